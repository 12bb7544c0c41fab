/** Options every method takes as its last argument. */
export interface RequestOptions {
  /** Aborts the request (and its retries); the call rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Milliseconds to wait for each attempt's answer. Default: the client's `timeout`. */
  timeout?: number;
  /** Retries after a 408, 429, 5xx or connection error. Default: the client's `maxRetries`. */
  maxRetries?: number;
  /** The namespace of this call. Default: the client's `namespace`. */
  namespace?: string;
  /** Headers for this call, on top of the client's `defaultHeaders`. */
  headers?: Record<string, string>;
}

/** A fetch function: the global one, or one with the same signature. */
export type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;
