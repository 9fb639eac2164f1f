import { errorName, JwksRefetchThrottledError, JwksUnavailableError } from "./errors.js";
import {
  type Fetcher,
  isJwks,
  type Jwks,
  type JwksCache,
  type JwkWithKid,
  type PenaltyBox,
  SimpleFetcher,
  SimpleJwksCache,
} from "./jwt-library.js";

type DecomposedJwt = Parameters<JwksCache["getJwk"]>[1];

export interface JwksCacheTimings {
  /** Age after which a request triggers a background refresh (Microsoft suggests checking daily). */
  readonly refreshIntervalMs: number;
  /** After a refresh fails, how soon a later request may try again. */
  readonly refreshRetryMs: number;
  /** Minimum gap between refetches caused by a `kid` the cached JWKS does not know. */
  readonly unknownKidRefetchIntervalMs: number;
  /** After a fetch fails, requests fail fast for this long instead of each waiting on a broken endpoint. */
  readonly failedFetchBackoffMs: number;
  /** Per attempt; SimpleFetcher retries once, so a hanging endpoint costs at most twice this. */
  readonly fetchTimeoutMs: number;
}

export const DEFAULT_JWKS_TIMINGS: JwksCacheTimings = Object.freeze({
  refreshIntervalMs: 24 * 60 * 60 * 1000,
  refreshRetryMs: 60 * 1000,
  unknownKidRefetchIntervalMs: 2000,
  failedFetchBackoffMs: 1000,
  fetchTimeoutMs: 2000,
});

export interface JwksCacheEvents {
  onRefreshFailed(error: unknown): void;
}

/**
 * A JWKS cache for long-lived Lambda containers, built on the library's SimpleJwksCache:
 * - keys are refreshed in the background once they are older than a day, without delaying any request
 *   (the library's own cache never expires, so a key Entra withdrew would be trusted forever);
 * - an unknown `kid` triggers at most one refetch per interval, and the next unknown `kid` is rejected at
 *   once instead of waiting, so junk tokens can neither flood Entra nor hold a request; a key Entra just
 *   published is still found within that interval (the library's default penalty box blocks 10 s);
 * - a broken or hanging endpoint costs one bounded fetch per back-off period, and the cache recovers on
 *   its own once the endpoint answers again.
 */
export class EntraJwksCache implements JwksCache {
  private readonly cache: JwksCache;
  private readonly fetcher: BackingOffFetcher;
  private readonly refreshAttemptAt = new Map<string, number>();

  constructor(
    private readonly timings: JwksCacheTimings = DEFAULT_JWKS_TIMINGS,
    private readonly events: JwksCacheEvents = { onRefreshFailed: () => {} },
    private readonly now: () => number = Date.now,
    fetcher: Fetcher = new SimpleFetcher({
      defaultRequestOptions: { responseTimeout: timings.fetchTimeoutMs, timeout: timings.fetchTimeoutMs },
    }),
  ) {
    this.fetcher = new BackingOffFetcher(fetcher, timings.failedFetchBackoffMs, now);
    this.cache = new SimpleJwksCache({
      penaltyBox: new UnknownKidThrottle(timings.unknownKidRefetchIntervalMs, now),
      fetcher: this.fetcher,
    });
  }

  getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    this.refreshIfStale(jwksUri);
    return this.cache.getJwk(jwksUri, decomposedJwt);
  }

  getCachedJwk(jwksUri: string, decomposedJwt: DecomposedJwt): JwkWithKid {
    this.refreshIfStale(jwksUri);
    return this.cache.getCachedJwk(jwksUri, decomposedJwt);
  }

  addJwks(jwksUri: string, jwks: Jwks): void {
    this.cache.addJwks(jwksUri, jwks);
  }

  getJwks(jwksUri: string): Promise<Jwks> {
    return this.cache.getJwks(jwksUri);
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
    this.cache.getJwks(jwksUri).catch((error: unknown) => this.events.onRefreshFailed(error));
  }
}

/** Penalty box that never waits: inside the interval it refuses at once. */
class UnknownKidThrottle implements PenaltyBox {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  async wait(jwksUri: string): Promise<void> {
    if (this.now() < (this.blockedUntil.get(jwksUri) ?? 0)) {
      throw new JwksRefetchThrottledError("unknown kid and the JWKS was refetched moments ago");
    }
  }

  registerFailedAttempt(jwksUri: string): void {
    this.blockedUntil.set(jwksUri, this.now() + this.intervalMs);
  }

  registerSuccessfulAttempt(): void {
    // A kid that was found says nothing about the next unknown one: the interval stays.
  }
}

class BackingOffFetcher implements Fetcher {
  private readonly failedUntil = new Map<string, number>();
  private readonly succeededAt = new Map<string, number>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly backoffMs: number,
    private readonly now: () => number,
  ) {}

  async fetch(
    uri: string,
    requestOptions?: Record<string, unknown>,
    data?: ArrayBuffer,
  ): Promise<ArrayBuffer> {
    if (this.now() < (this.failedUntil.get(uri) ?? 0)) {
      throw new JwksUnavailableError("JWKS endpoint failed moments ago; not retrying yet");
    }
    try {
      const body = await this.fetcher.fetch(uri, requestOptions, data);
      // A 200 with a body that is not a JWKS is an outage too: back off instead of refetching per request.
      if (!isJwks(JSON.parse(new TextDecoder().decode(body)) as Parameters<typeof isJwks>[0])) {
        throw new TypeError("response is not a JWKS");
      }
      this.succeededAt.set(uri, this.now());
      return body;
    } catch (error) {
      this.failedUntil.set(uri, this.now() + this.backoffMs);
      throw new JwksUnavailableError("JWKS fetch failed", { cause: error, detail: errorName(error) });
    }
  }

  lastSuccessAt(uri: string): number | undefined {
    return this.succeededAt.get(uri);
  }
}
