import { errorName, JwksRefetchThrottledError, JwksUnavailableError } from "./errors.js";
import { BoundedFetcher } from "./jwks-fetch.js";
import { isPlainObject } from "./json.js";
import {
  type Fetcher,
  isJwks,
  type Jwks,
  type JwksCache,
  type JwkWithKid,
  type PenaltyBox,
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
  /** Per attempt; the fetcher retries once, so a hanging endpoint costs at most twice this. */
  readonly fetchTimeoutMs: number;
}

export const DEFAULT_JWKS_TIMINGS: JwksCacheTimings = Object.freeze({
  refreshIntervalMs: 24 * 60 * 60 * 1000,
  refreshRetryMs: 60 * 1000,
  unknownKidRefetchIntervalMs: 2000,
  failedFetchBackoffMs: 1000,
  fetchTimeoutMs: 2000,
});

/** A JWKS body beyond this is refused as an outage (Entra's are a few KB). */
export const MAX_JWKS_BYTES = 512 * 1024;

/** RSA keys shorter than this are dropped from the key set; Entra's are 2048 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

export interface JwksCacheEvents {
  onRefreshFailed(error: unknown): void;
  /** A fetch returned keys other than the ones cached before (or the first keys): verified-token caches must empty. */
  onKeySetChanged(): void;
}

/**
 * A JWKS cache for long-lived Lambda containers, built on the library's SimpleJwksCache:
 * - keys are refreshed in the background once they are older than a day, without delaying any request
 *   (the library's own cache never expires, so a key Entra withdrew would be trusted forever);
 * - an unknown `kid` triggers at most one refetch per interval, and the next unknown `kid` is rejected at
 *   once instead of waiting, so junk tokens can neither flood Entra nor hold a request; a key Entra just
 *   published is still found within that interval (the library's default penalty box blocks 10 s);
 * - a broken, hanging or oversized answer costs one bounded fetch per back-off period, and the cache
 *   recovers on its own once the endpoint answers again;
 * - RSA keys under 2048 bits, and keys of any other type, are dropped: only RS256 is Entra's.
 */
export class EntraJwksCache implements JwksCache {
  private readonly cache: JwksCache;
  private readonly fetcher: BackingOffFetcher;
  private readonly refreshAttemptAt = new Map<string, number>();

  constructor(
    private readonly timings: JwksCacheTimings = DEFAULT_JWKS_TIMINGS,
    private readonly events: JwksCacheEvents = { onRefreshFailed: () => {}, onKeySetChanged: () => {} },
    private readonly now: () => number = () => Date.now(),
    fetcher: Fetcher = new BoundedFetcher({ timeoutMs: timings.fetchTimeoutMs, maxBytes: MAX_JWKS_BYTES }),
  ) {
    this.fetcher = new BackingOffFetcher(fetcher, timings.failedFetchBackoffMs, now, events);
    this.cache = new SimpleJwksCache({
      penaltyBox: new UnknownKidThrottle(timings.unknownKidRefetchIntervalMs, now),
      fetcher: this.fetcher,
      jwksParser: parseEntraJwks,
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

/** The library's JWKS parsing, keeping only RSA keys of at least 2048 bits. */
export function parseEntraJwks(body: ArrayBuffer): Jwks {
  const jwks = JSON.parse(new TextDecoder().decode(body)) as unknown;
  if (!isJwks(jwks as Parameters<typeof isJwks>[0])) {
    throw new JwksUnavailableError("response is not a JWKS");
  }
  const { keys } = jwks as Jwks;
  return { keys: keys.filter((key) => key.kty === "RSA" && modulusBits(key.n) >= MIN_RSA_MODULUS_BITS) };
}

/** Bit length of a base64url big-endian modulus, leading zero bytes not counted. */
export function modulusBits(n: unknown): number {
  if (typeof n !== "string") {
    return 0;
  }
  const bytes = Buffer.from(n, "base64url");
  const first = bytes.findIndex((byte) => byte !== 0);
  return first < 0 ? 0 : (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
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
  private readonly failedUntil = new Map<string, { until: number; problem: string }>();
  private readonly succeededAt = new Map<string, number>();
  private readonly keySetOf = new Map<string, string>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly backoffMs: number,
    private readonly now: () => number,
    private readonly events: Pick<JwksCacheEvents, "onKeySetChanged">,
  ) {}

  async fetch(
    uri: string,
    requestOptions?: Record<string, unknown>,
    data?: ArrayBuffer,
  ): Promise<ArrayBuffer> {
    const failure = this.failedUntil.get(uri);
    if (failure !== undefined && this.now() < failure.until) {
      throw new JwksUnavailableError(`failed moments ago (${failure.problem}); not retrying yet`);
    }
    let body: ArrayBuffer;
    let keySet: string;
    try {
      body = await this.fetcher.fetch(uri, requestOptions, data);
      // A 200 with a body that is not a JWKS is an outage too: back off instead of refetching per request.
      keySet = fingerprint(parseEntraJwks(body));
    } catch (error) {
      const unavailable =
        error instanceof JwksUnavailableError
          ? error
          : new JwksUnavailableError(`fetch failed: ${errorName(error)}`, { cause: error });
      this.failedUntil.set(uri, { until: this.now() + this.backoffMs, problem: unavailable.message });
      throw unavailable;
    }
    this.succeededAt.set(uri, this.now());
    if (this.keySetOf.get(uri) !== keySet) {
      this.keySetOf.set(uri, keySet);
      this.events.onKeySetChanged();
    }
    return body;
  }

  lastSuccessAt(uri: string): number | undefined {
    return this.succeededAt.get(uri);
  }
}

/** The keys that matter for verification, in a stable order: whitespace or key order alone is no change. */
function fingerprint(jwks: Jwks): string {
  return JSON.stringify(
    jwks.keys
      .map((key) => [key.kid, key.n, key.e, isPlainObject(key) ? key.issuer : undefined])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
}
