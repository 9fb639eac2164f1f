/**
 * API Gateway's authorizer result cache: answers keyed by the identity source values, kept for
 * the TTL. Only answers the gateway could read are cached; failures are retried on the next call.
 */

export class AuthorizerCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlSeconds: number, maxEntries = 10_000) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#maxEntries = maxEntries;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  get(identity: readonly string[], now = Date.now()): T | undefined {
    if (!this.enabled) return undefined;
    const key = JSON.stringify(identity);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(identity: readonly string[], value: T, now = Date.now()): void {
    if (!this.enabled) return;
    const key = JSON.stringify(identity);
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + this.#ttlMs });
    // Oldest first: Map keeps insertion order, and a re-set entry moved to the end above.
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
