import type { OAuthCallbackResponse } from '@komputer/contracts';
import type { AppError } from '@komputer/service-kit';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * A short page for the person who consented. Its script tells the window that opened it, as
 * komputer.ai's web UI expects: `{type: "oauth-success", connector}` or
 * `{type: "oauth-error", error}`. The message is JSON with `<` escaped, so no text in it can
 * close the script.
 */
function page(title: string, text: string, message: Record<string, string>): string {
  const data = JSON.stringify(message).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><p>${escapeHtml(text)}</p>
<script>if (window.opener) window.opener.postMessage(${data}, '*');</script>
</body></html>
`;
}

/** The pages of `GET /oauth/callback` for a browser: one for success, one for an error. */
export const oauthCallbackPages = {
  ok: (result: OAuthCallbackResponse): string =>
    page('Connected', `Connector "${result.connector}" is connected. You can close this window.`, {
      type: 'oauth-success',
      connector: result.connector,
    }),
  error: (err: AppError): string =>
    page('Not connected', `Not connected: ${err.message}`, {
      type: 'oauth-error',
      error: err.message,
    }),
};
