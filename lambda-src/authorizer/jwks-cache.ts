import { errorName, JwksRefetchThrottledError, JwksUnavailableError } from "./errors.js";
import { BoundedFetcher } from "./jwks-fetch.js";
import { parseEntraJwks, type RejectedKey, type ServedKeys, sortKeys } from "./jwks-keys.js";
import {
  type Fetcher,
  type Jwks,
  type JwksCache,
  type JwkWithKid,
  libraryErrors as E,
} from "./jwt-library.js";
import { KeyRetention } from "./key-retention.js";

type DecomposedJwt = Parameters<JwksCache["getJwk"]>[1];

export interface JwksCacheTimings {
  /**
   * Age after which a request triggers a background refresh. Microsoft asks for at least daily; hourly keeps
   * "the last fetch that served a key", from which its retention counts, close to what Entra serves.
   */
  readonly refreshIntervalMs: number;
  /** After a refresh fails, how soon a later request may try again. */
  readonly refreshRetryMs: number;
  /** Minimum gap between refetches caused by a `kid` the trusted keys do not include. */
  readonly unknownKidRefetchIntervalMs: number;
  /** After a fetch fails, requests fail fast for this long instead of each waiting on a broken endpoint. */
  readonly failedFetchBackoffMs: number;
  /** Per attempt; the fetcher retries once, so a hanging endpoint costs at most twice this. */
  readonly fetchTimeoutMs: number;
}

export const DEFAULT_JWKS_TIMINGS: JwksCacheTimings = Object.freeze({
  refreshIntervalMs: 60 * 60 * 1000,
  refreshRetryMs: 60 * 1000,
  unknownKidRefetchIntervalMs: 2000,
  failedFetchBackoffMs: 1000,
  fetchTimeoutMs: 2000,
});

/** A JWKS body beyond this is refused as an outage (Entra's are a few KB). */
export const MAX_JWKS_BYTES = 512 * 1024;

export interface JwksCacheEvents {
  onRefreshFailed(error: unknown): void;
  /** A trusted key was withdrawn (past the retention) or served with new material: what was verified with it is stale. */
  onKeysWithdrawn(): void;
  /** A served key that is not trusted, on every fetch that serves it. */
  onKeyRejected(key: RejectedKey): void;
}

export interface JwksCacheOptions {
  readonly timings?: JwksCacheTimings;
  /** How long a key stays trusted after the last fetch that served it; 0: the latest fetch only. */
  readonly keyRetentionMs: number;
  readonly events?: Partial<JwksCacheEvents>;
  readonly now?: () => number;
  /** Where key sets come from; default an HTTPS GET with a deadline and a size cap. */
  readonly fetcher?: Fetcher;
}

/**
 * The authorizer's JwksCache, aws-jwt-verify's extension point for key lookup. The library's
 * SimpleJwksCache trusts exactly the latest fetch and never refreshes it; Entra needs more:
 * - a key stays trusted for the retention after the last fetch that served it (key-retention.ts), because
 *   Entra's front ends serve different key sets and a key one fetch leaves out may still sign tokens;
 * - keys are refreshed in the background once they are older than an hour, without delaying any request,
 *   so a key Entra withdrew stops being trusted;
 * - an unknown `kid` triggers at most one refetch per interval, and the next unknown `kid` is refused at
 *   once instead of waiting, so junk tokens can neither flood Entra nor hold a request; a key Entra just
 *   published is still found within that interval (the library's default penalty box blocks 10 s);
 * - a broken, hanging or oversized answer costs one bounded fetch per back-off period, and the cache
 *   recovers on its own once the endpoint answers again;
 * - only RSA keys of at least 2048 bits with a safe exponent are trusted (jwks-keys.ts); others are
 *   reported and dropped.
 */
export class EntraJwksCache implements JwksCache {
  private readonly timings: JwksCacheTimings;
  private readonly events: JwksCacheEvents;
  private readonly now: () => number;
  private readonly fetcher: BackingOffFetcher;
  private readonly throttle: UnknownKidThrottle;
  private readonly keySets = new Map<string, KeyRetention>();
  private readonly fetching = new Map<string, Promise<Jwks>>();
  private readonly refreshAttemptAt = new Map<string, number>();

  constructor(private readonly options: JwksCacheOptions) {
    this.timings = options.timings ?? DEFAULT_JWKS_TIMINGS;
    this.events = { onRefreshFailed() {}, onKeysWithdrawn() {}, onKeyRejected() {}, ...options.events };
    this.now = options.now ?? (() => Date.now());
    this.fetcher = new BackingOffFetcher(
      options.fetcher ??
        new BoundedFetcher({ timeoutMs: this.timings.fetchTimeoutMs, maxBytes: MAX_JWKS_BYTES }),
      this.timings.failedFetchBackoffMs,
      this.now,
    );
    this.throttle = new UnknownKidThrottle(this.timings.unknownKidRefetchIntervalMs, this.now);
  }

  getCachedJwk(jwksUri: string, decomposedJwt: DecomposedJwt): JwkWithKid {
    const kid = kidOf(decomposedJwt);
    this.refreshIfStale(jwksUri);
    const keys = this.keySets.get(jwksUri);
    if (keys === undefined) {
      throw new E.JwksNotAvailableInCacheError(`JWKS for uri ${jwksUri} not yet available in cache`);
    }
    const jwk = keys.find(kid, this.now());
    if (jwk === undefined) {
      throw new E.KidNotFoundInJwksError(`JWK for kid ${kid} not found in the JWKS`);
    }
    return jwk;
  }

  async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    const kid = kidOf(decomposedJwt);
    this.refreshIfStale(jwksUri);
    const cached = this.keySets.get(jwksUri)?.find(kid, this.now());
    if (cached !== undefined) {
      return cached;
    }
    if (this.throttle.blocked(jwksUri)) {
      throw new JwksRefetchThrottledError("unknown kid and the JWKS was refetched moments ago");
    }
    await this.getJwks(jwksUri);
    const jwk = this.keySets.get(jwksUri)?.find(kid, this.now());
    if (jwk === undefined) {
      this.throttle.register(jwksUri);
      throw new E.KidNotFoundInJwksError(`JWK for kid "${kid}" not found in the JWKS`);
    }
    return jwk;
  }

  /**
   * A signature failed with a trusted key, and Entra may now serve other material under its kid: refetches
   * (within the same throttle as unknown kids; inside it, answers false at once) and says whether the
   * kid's trusted key changed. A fetch that fails throws, as any fetch does.
   */
  async keyChanged(jwksUri: string, kid: string): Promise<boolean> {
    const before = this.keySets.get(jwksUri)?.find(kid, this.now());
    if (this.throttle.blocked(jwksUri)) {
      return false;
    }
    // Registered before fetching: a burst of forged signatures costs one fetch, not one each.
    this.throttle.register(jwksUri);
    await this.getJwks(jwksUri);
    return this.keySets.get(jwksUri)?.find(kid, this.now()) !== before;
  }

  /** A key set given by hand counts as served now. */
  addJwks(jwksUri: string, jwks: Jwks): void {
    this.record(jwksUri, sortKeys(jwks));
  }

  /** Fetches the key set (one fetch at a time per URI) and returns every key trusted afterwards. */
  getJwks(jwksUri: string): Promise<Jwks> {
    const pending = this.fetching.get(jwksUri);
    if (pending !== undefined) {
      return pending;
    }
    const fetch = this.fetcher
      .fetch(jwksUri)
      .then((served) => this.record(jwksUri, served))
      .finally(() => this.fetching.delete(jwksUri));
    this.fetching.set(jwksUri, fetch);
    return fetch;
  }

  private record(jwksUri: string, served: ServedKeys): Jwks {
    for (const rejected of served.rejected) {
      this.events.onKeyRejected(rejected);
    }
    let keys = this.keySets.get(jwksUri);
    if (keys === undefined) {
      keys = new KeyRetention(this.options.keyRetentionMs);
      this.keySets.set(jwksUri, keys);
    }
    const now = this.now();
    if (keys.record(served.keys, now)) {
      this.events.onKeysWithdrawn();
    }
    return keys.trusted(now);
  }

  private refreshIfStale(jwksUri: string): void {
    const fetchedAt = this.fetcher.lastSuccessAt(jwksUri);
    const now = this.now();
    if (
      fetchedAt === undefined ||
      now - fetchedAt < this.timings.refreshIntervalMs ||
      now - (this.refreshAttemptAt.get(jwksUri) ?? 0) < this.timings.refreshRetryMs
    ) {
      return;
    }
    // Mark the attempt first, so concurrent requests start one refresh and a failure is retried later.
    this.refreshAttemptAt.set(jwksUri, now);
    this.getJwks(jwksUri).catch((error: unknown) => this.events.onRefreshFailed(error));
  }
}

function kidOf(decomposedJwt: DecomposedJwt): string {
  const { kid } = decomposedJwt.header;
  if (typeof kid !== "string") {
    throw new E.JwtWithoutValidKidError("JWT header does not have valid kid claim");
  }
  return kid;
}

/**
 * After a refetch that a token caused (an unknown kid, or a failed signature), the next one waits out the
 * interval. Callers refuse at once inside it: waiting would hold the request.
 */
class UnknownKidThrottle {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  blocked(jwksUri: string): boolean {
    return this.now() < (this.blockedUntil.get(jwksUri) ?? 0);
  }

  register(jwksUri: string): void {
    this.blockedUntil.set(jwksUri, this.now() + this.intervalMs);
  }
}

/** Fetches and parses key sets; after a failure, fails fast for the back-off period. */
class BackingOffFetcher {
  private readonly failedUntil = new Map<string, { until: number; problem: string }>();
  private readonly succeededAt = new Map<string, number>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly backoffMs: number,
    private readonly now: () => number,
  ) {}

  async fetch(uri: string): Promise<ServedKeys> {
    const failure = this.failedUntil.get(uri);
    if (failure !== undefined && this.now() < failure.until) {
      throw new JwksUnavailableError(`failed moments ago (${failure.problem}); not retrying yet`);
    }
    let served: ServedKeys;
    try {
      // A 200 with a body that is not a JWKS is an outage too: back off instead of refetching per request.
      served = parseEntraJwks(await this.fetcher.fetch(uri));
    } catch (error) {
      const unavailable =
        error instanceof JwksUnavailableError
          ? error
          : new JwksUnavailableError(`fetch failed: ${errorName(error)}`, { cause: error });
      this.failedUntil.set(uri, { until: this.now() + this.backoffMs, problem: unavailable.message });
      throw unavailable;
    }
    this.succeededAt.set(uri, this.now());
    return served;
  }

  lastSuccessAt(uri: string): number | undefined {
    return this.succeededAt.get(uri);
  }
}
