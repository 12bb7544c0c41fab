import type { ApprovalDecider } from '@komputer/contracts';
import type { Principal } from '@komputer/routes';

/** Who decides an approval: the caller that the authentication hook let through. */
export function deciderOf(principal: Principal | undefined): ApprovalDecider {
  return principal?.kind === 'key'
    ? { kind: 'key', keyId: principal.keyId }
    : { kind: 'anonymous' };
}
