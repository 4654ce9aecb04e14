// Named API keys checked by a handler itself (the Personalizer API key, the catalog key), in
// constant time: what the host's own key levels cannot express.
import crypto from 'node:crypto';

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks a presented key against the configured ones. Both sides are hashed first so the
 * comparison is constant-time whatever the lengths, and every configured key is compared
 * (no early exit that would tell which one nearly matched).
 */
export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  accepts(presented: string | null | undefined): boolean {
    if (!presented || this.digests.length === 0) return false;
    const d = digest(presented);
    let ok = false;
    for (const k of this.digests) ok = crypto.timingSafeEqual(d, k) || ok;
    return ok;
  }
}
