export interface TokenCacheLimits {
  /** Most tokens kept; the oldest entry goes first. */
  readonly maxEntries: number;
  /** Most characters of token kept in all, so a burst of large tokens cannot grow memory without bound. */
  readonly maxTokenCharacters: number;
  /** Longest an entry lives, whatever its `exp`. 0 disables the cache. */
  readonly maxAgeSeconds: number;
}

/**
 * Verified tokens of one container, keyed by the whole token string (never a hash prefix: a collision
 * would hand one caller another's claims). An entry lives until the token's `exp` or `maxAgeSeconds`,
 * whichever is first, and the owner empties the cache whenever the signing keys change. Only a token's
 * verified identity is kept: what it may do is decided on every request.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly expiresAtMs: number }>();
  private tokenCharacters = 0;

  constructor(
    private readonly limits: TokenCacheLimits,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) {
      return undefined;
    }
    if (this.now() >= entry.expiresAtMs) {
      this.remove(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: T, expSeconds: number): void {
    const expiresAtMs = Math.min(expSeconds * 1000, this.now() + this.limits.maxAgeSeconds * 1000);
    if (expiresAtMs <= this.now() || token.length > this.limits.maxTokenCharacters) {
      return;
    }
    this.remove(token);
    this.entries.set(token, { value, expiresAtMs });
    this.tokenCharacters += token.length;
    // Map iterates in insertion order: the first keys are the oldest entries.
    for (const oldest of this.entries.keys()) {
      if (
        this.entries.size <= this.limits.maxEntries &&
        this.tokenCharacters <= this.limits.maxTokenCharacters
      ) {
        break;
      }
      this.remove(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.tokenCharacters = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(token: string): void {
    if (this.entries.delete(token)) {
      this.tokenCharacters -= token.length;
    }
  }
}
