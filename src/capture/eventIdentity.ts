// Who a browser event is about, as capture stores it. The browser route believes `userId` only
// with a valid `userToken` (src/events/userToken.ts); without one the event is stored as anonymous
// or refused (UnverifiedUserIds). Anonymous ids get the anonymous namespace's prefix, so they can
// never name a signed user's profile. The token itself is never stored.
import type { FieldError } from '../common/fieldPath';
import type { TrackedEvent } from '../events/eventSchema';
import { ANONYMOUS_PREFIX, verifyUserToken } from '../events/userToken';

export type UnverifiedUserIds = 'anonymous' | 'refuse';

export interface IdentityPolicy {
  /** UserTokenKeys: every key verifies. */
  keys: readonly Buffer[];
  unverified: UnverifiedUserIds;
}

const MAX_ID = 128;

/** The event with its identity settled (mutated in place: it is capture's own copy), or why it is refused. */
export function settleIdentity(event: TrackedEvent & { userToken?: unknown }, policy: IdentityPolicy | undefined, nowMs: number): FieldError[] | undefined {
  const token = event.userToken;
  // Only when present: deleting a property turns a V8 object into a slower dictionary object.
  if (token !== undefined) delete event.userToken;
  if (policy === undefined) return undefined;
  if (event.anonymousId !== undefined && !event.anonymousId.startsWith(ANONYMOUS_PREFIX)) {
    if (event.anonymousId.length + ANONYMOUS_PREFIX.length > MAX_ID) {
      return [{ field: 'anonymousId', message: `must be at most ${MAX_ID - ANONYMOUS_PREFIX.length} characters, or start with "${ANONYMOUS_PREFIX}"` }];
    }
    event.anonymousId = ANONYMOUS_PREFIX + event.anonymousId;
  }
  if (event.userId === undefined) return undefined;
  const check = verifyUserToken(token, event.userId, policy.keys, nowMs);
  if (check.ok) return undefined;
  if (policy.unverified === 'refuse') {
    return [{ field: 'userToken', message: `is ${check.reason === 'anonymousId' ? 'not accepted for an anonymous id used as userId' : check.reason}: userId needs a valid token signed by the shop's backend` }];
  }
  const claimed = event.userId;
  delete event.userId;
  event.anonymousId ??= (ANONYMOUS_PREFIX + claimed).slice(0, MAX_ID);
  return undefined;
}
