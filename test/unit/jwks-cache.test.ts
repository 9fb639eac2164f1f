import { describe, expect, it } from "vitest";
import { JwksRefetchThrottledError, JwksUnavailableError } from "../../lambda-src/authorizer/errors.js";
import {
  DEFAULT_JWKS_TIMINGS,
  EntraJwksCache,
  type JwksCacheTimings,
  MAX_JWKS_BYTES,
  MIN_RSA_MODULUS_BITS,
  modulusBits,
  parseEntraJwks,
} from "../../lambda-src/authorizer/jwks-cache.js";
import { type Fetcher, libraryErrors } from "../../lambda-src/authorizer/jwt-library.js";
import { SIGNING_KEY } from "../support/in-process.js";

const URI = "https://login.example/tenant/discovery/v2.0/keys";
const timings: JwksCacheTimings = {
  refreshIntervalMs: 60_000,
  refreshRetryMs: 5_000,
  unknownKidRefetchIntervalMs: 2_000,
  failedFetchBackoffMs: 1_000,
  fetchTimeoutMs: 500,
};

/** SIGNING_KEY's 2048-bit modulus: keys below 2048 bits are dropped, so every fake key borrows it. */
const N_2048 = SIGNING_KEY.publicJwk.n;
const MODULUS = Buffer.from(N_2048, "base64url");
/** The same length with the top bit cleared: 2047 bits. */
const N_2047 = Buffer.concat([
  Buffer.from([((MODULUS[0] ?? 0xff) & 0x3f) | 0x40]),
  MODULUS.subarray(1),
]).toString("base64url");

type FakeKey = Record<string, unknown>;

function rsaKey(kid: string, extra: FakeKey = {}): FakeKey {
  return { kty: "RSA", use: "sig", kid, n: N_2048, e: "AQAB", ...extra };
}

function body(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer;
}

/** A JWKS endpoint under the test's control: the published keys, an outage switch, an odd body and a fetch counter. */
class FakeEndpoint implements Fetcher {
  keys: FakeKey[] = [rsaKey("key-1")];
  failing = false;
  answer: string | undefined;
  fetches = 0;

  async fetch(): Promise<ArrayBuffer> {
    this.fetches += 1;
    await Promise.resolve();
    if (this.failing) {
      throw new Error("connection refused");
    }
    return body(this.answer ?? JSON.stringify({ keys: this.keys }));
  }
}

function setup() {
  const clock = { now: 1_000_000 };
  const endpoint = new FakeEndpoint();
  const refreshFailures: unknown[] = [];
  const keySetChanges = { count: 0 };
  const cache = new EntraJwksCache(
    timings,
    {
      onRefreshFailed: (error) => refreshFailures.push(error),
      onKeySetChanged: () => (keySetChanges.count += 1),
    },
    () => clock.now,
    endpoint,
  );
  const jwt = (kid: string) => ({ header: { alg: "RS256", kid }, payload: {} }) as never;
  const outcome = async (kid: string) =>
    cache.getJwk(URI, jwt(kid)).then(
      (jwk) => `found ${jwk.kid}`,
      (error: Error & { reason?: string }) => error.reason ?? error.constructor.name,
    );
  const cachedKid = (kid: string) => {
    try {
      return cache.getCachedJwk(URI, jwt(kid)).kid;
    } catch (error) {
      return (error as Error).constructor.name;
    }
  };
  return { clock, endpoint, cache, jwt, outcome, cachedKid, refreshFailures, keySetChanges };
}

/** Lets a background refresh (a fetch on the fake endpoint) run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("EntraJwksCache constants", () => {
  it("refreshes daily, retries a minute later, throttles unknown kids for 2 s, backs off 1 s and waits 2 s per fetch", () => {
    expect(DEFAULT_JWKS_TIMINGS).toEqual({
      refreshIntervalMs: 86_400_000,
      refreshRetryMs: 60_000,
      unknownKidRefetchIntervalMs: 2000,
      failedFetchBackoffMs: 1000,
      fetchTimeoutMs: 2000,
    });
    expect(Object.isFrozen(DEFAULT_JWKS_TIMINGS)).toBe(true);
    expect(MAX_JWKS_BYTES).toBe(524_288);
    expect(MIN_RSA_MODULUS_BITS).toBe(2048);
  });
});

describe("EntraJwksCache", () => {
  it("fetches once, then serves known kids from memory", async () => {
    const { endpoint, outcome, cachedKid } = setup();

    expect(await outcome("key-1")).toBe("found key-1");
    expect(await outcome("key-1")).toBe("found key-1");
    expect(cachedKid("key-1")).toBe("key-1");
    expect(endpoint.fetches).toBe(1);
  });

  it("answers from an empty cache synchronously with an error and fetches nothing", async () => {
    const { endpoint, cachedKid } = setup();

    const kid = cachedKid("key-1");
    await settle();

    expect(kid).toBe("JwksNotAvailableInCacheError");
    expect(endpoint.fetches).toBe(0);
  });

  it("takes a key set added by hand, and fetches one on request", async () => {
    const { endpoint, cache, cachedKid } = setup();

    cache.addJwks(URI, { keys: [rsaKey("added") as never] });
    const added = cachedKid("added");
    const fetched = await cache.getJwks(URI);

    expect(added).toBe("added");
    expect(fetched.keys.map((key) => key.kid)).toEqual(["key-1"]);
    expect(endpoint.fetches).toBe(1);
  });

  it("answers a burst of unknown kids with one fetch, and refuses further ones at once", async () => {
    const { endpoint, outcome, cache, jwt } = setup();
    await outcome("key-1");

    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(`junk-${i}`)));
    const late = await rejection(cache.getJwk(URI, jwt("junk-late")));

    expect(new Set(burst)).toEqual(new Set(["KidNotFoundInJwksError"]));
    expect(late).toBeInstanceOf(JwksRefetchThrottledError);
    expect(late.name).toBe("JwksRefetchThrottledError");
    expect(late.message).toBe("unknown kid and the JWKS was refetched moments ago");
    expect((late as JwksRefetchThrottledError).reason).toBe("JWKS_REFETCH_THROTTLED");
    expect(endpoint.fetches).toBe(2);
  });

  it("still throttles a millisecond before the refetch interval ends, and finds a new key when it has", async () => {
    const { endpoint, outcome, clock } = setup();
    await outcome("key-1");
    await outcome("junk");
    endpoint.keys.push(rsaKey("key-2"));

    clock.now += timings.unknownKidRefetchIntervalMs - 1;
    const early = await outcome("key-2");
    clock.now += 1;
    const onTime = await outcome("key-2");

    expect(early).toBe("JWKS_REFETCH_THROTTLED");
    expect(onTime).toBe("found key-2");
    expect(endpoint.fetches).toBe(3);
  });

  it("fails fast while the endpoint is down and recovers by itself once the back-off has passed", async () => {
    const { endpoint, outcome, clock, cache, jwt } = setup();
    endpoint.failing = true;

    const first = await rejection(cache.getJwk(URI, jwt("key-1")));
    const fetchesAfterFailure = endpoint.fetches;
    clock.now += timings.failedFetchBackoffMs - 1;
    const fast = await rejection(cache.getJwk(URI, jwt("key-1")));
    endpoint.failing = false;
    const stillBackingOff = await outcome("key-1");
    clock.now += 1;
    const recovered = await outcome("key-1");

    expect(first).toBeInstanceOf(JwksUnavailableError);
    expect(first.message).toBe("fetch failed: Error");
    expect((first.cause as Error).message).toBe("connection refused");
    expect(fetchesAfterFailure).toBe(1);
    expect(fast).toBeInstanceOf(JwksUnavailableError);
    expect(fast.message).toBe("failed moments ago (fetch failed: Error); not retrying yet");
    expect(stillBackingOff).toBe("JWKS_UNAVAILABLE");
    expect(recovered).toBe("found key-1");
    expect(endpoint.fetches).toBe(2);
  });

  it.each([
    ["a JSON object that is not a JWKS", '{"error":"maintenance"}', "response is not a JWKS"],
    ["a key list that is not an array", '{"keys":{}}', "response is not a JWKS"],
    ["an HTML page", "<html>maintenance</html>", "fetch failed: SyntaxError"],
  ])("treats a 200 with %s as an outage and backs off", async (_, answer, message) => {
    const { endpoint, cache, jwt, outcome } = setup();
    endpoint.answer = answer;

    const error = await rejection(cache.getJwk(URI, jwt("key-1")));
    const again = await outcome("key-1");

    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.name).toBe("JwksUnavailableError");
    expect((error as JwksUnavailableError).reason).toBe("JWKS_UNAVAILABLE");
    expect(error.message).toBe(message);
    expect(again).toBe("JWKS_UNAVAILABLE");
    expect(endpoint.fetches).toBe(1);
  });

  it("refreshes stale keys in the background, once, while still answering from the cache", async () => {
    const { endpoint, clock, outcome, cachedKid } = setup();
    await outcome("key-1");
    endpoint.keys = [rsaKey("key-2")];

    clock.now += timings.refreshIntervalMs - 1;
    cachedKid("key-1");
    await settle();
    const fetchesBeforeStale = endpoint.fetches;
    clock.now += 1;
    const servedWhileRefreshing = cachedKid("key-1");
    cachedKid("key-1");
    await outcome("key-1");
    await settle();

    expect(fetchesBeforeStale).toBe(1);
    expect(servedWhileRefreshing).toBe("key-1");
    expect(endpoint.fetches).toBe(2);
    expect(cachedKid("key-1")).toBe("KidNotFoundInJwksError");
    expect(cachedKid("key-2")).toBe("key-2");
  });

  it("refreshes from getJwk as well as from getCachedJwk", async () => {
    const { endpoint, clock, outcome } = setup();
    await outcome("key-1");
    endpoint.keys = [rsaKey("key-1"), rsaKey("key-3")];

    clock.now += timings.refreshIntervalMs;
    await outcome("key-1");
    await settle();

    expect(endpoint.fetches).toBe(2);
    expect(await outcome("key-3")).toBe("found key-3");
    expect(endpoint.fetches).toBe(2);
  });

  it("keeps the cached keys when a background refresh fails, and retries only after the retry interval", async () => {
    const { endpoint, clock, outcome, cachedKid, refreshFailures } = setup();
    await outcome("key-1");
    endpoint.failing = true;
    clock.now += timings.refreshIntervalMs;

    cachedKid("key-1");
    await settle();
    // Past the fetch back-off, so only the retry interval holds the next refresh back.
    clock.now += timings.refreshRetryMs - 1;
    cachedKid("key-1");
    await settle();
    const fetchesBeforeRetry = endpoint.fetches;
    clock.now += 1;
    endpoint.failing = false;
    endpoint.keys = [rsaKey("key-1"), rsaKey("key-4")];
    cachedKid("key-1");
    await settle();

    expect(refreshFailures).toHaveLength(1);
    expect(refreshFailures[0]).toBeInstanceOf(JwksUnavailableError);
    expect(fetchesBeforeRetry).toBe(2);
    expect(endpoint.fetches).toBe(3);
    expect(cachedKid("key-1")).toBe("key-1");
    expect(cachedKid("key-4")).toBe("key-4");
  });

  it("does not refresh again right after a successful refresh", async () => {
    const { endpoint, clock, outcome, cachedKid } = setup();
    await outcome("key-1");
    clock.now += timings.refreshIntervalMs;
    cachedKid("key-1");
    await settle();

    clock.now += timings.refreshRetryMs;
    cachedKid("key-1");
    await settle();

    expect(endpoint.fetches).toBe(2);
  });

  it("reports a key-set change on the first fetch and on a change, but not on the same set reordered or reformatted", async () => {
    const { endpoint, clock, outcome, keySetChanges } = setup();
    endpoint.keys = [rsaKey("a"), rsaKey("b", { issuer: "https://login.example/t/v2.0" })];
    await outcome("a");
    const afterFirst = keySetChanges.count;

    endpoint.answer = `{ "keys" : [\n  ${JSON.stringify({ ...rsaKey("b", { issuer: "https://login.example/t/v2.0" }), x5t: "ignored" })},\n  ${JSON.stringify(rsaKey("a"))}\n] }`;
    clock.now += timings.unknownKidRefetchIntervalMs;
    await outcome("unknown-1");
    const afterReorder = keySetChanges.count;

    endpoint.answer = undefined;
    endpoint.keys = [rsaKey("a"), rsaKey("b", { issuer: "https://login.example/t/v2.0" }), rsaKey("c")];
    clock.now += timings.unknownKidRefetchIntervalMs;
    await outcome("c");

    expect(afterFirst).toBe(1);
    expect(afterReorder).toBe(1);
    expect(keySetChanges.count).toBe(2);
    expect(endpoint.fetches).toBe(3);
  });

  it.each([
    ["a kid", rsaKey("a", { kid: "a2" })],
    [
      "a modulus",
      rsaKey("a", { n: Buffer.concat([Buffer.from([0xff]), MODULUS.subarray(1)]).toString("base64url") }),
    ],
    ["an exponent", rsaKey("a", { e: "AAEAAQ" })],
    ["an issuer", rsaKey("a", { issuer: "https://login.example/other/v2.0" })],
  ])("reports a key-set change when only %s changes", async (_, changed) => {
    const { endpoint, clock, outcome, keySetChanges } = setup();
    endpoint.keys = [rsaKey("a", { issuer: "https://login.example/t/v2.0" })];
    await outcome("a");

    endpoint.keys = [{ ...rsaKey("a", { issuer: "https://login.example/t/v2.0" }), ...changed }];
    clock.now += timings.unknownKidRefetchIntervalMs;
    await outcome("unknown");

    expect(keySetChanges.count).toBe(2);
  });

  it("reports no change when only a dropped key changes", async () => {
    const { endpoint, clock, outcome, keySetChanges } = setup();
    endpoint.keys = [rsaKey("a"), rsaKey("weak", { n: N_2047 })];
    await outcome("a");

    endpoint.keys = [rsaKey("a"), rsaKey("weak", { n: N_2047, e: "AAEAAQ" })];
    clock.now += timings.unknownKidRefetchIntervalMs;
    await outcome("weak");

    expect(keySetChanges.count).toBe(1);
    expect(endpoint.fetches).toBe(2);
  });

  it("works without event handlers and on the system clock", async () => {
    const endpoint = new FakeEndpoint();
    const cache = new EntraJwksCache(timings, undefined, undefined, endpoint);
    const jwt = { header: { alg: "RS256", kid: "key-1" }, payload: {} };

    const found = await cache.getJwk(URI, jwt);
    cache.addJwks(URI, { keys: [] });
    endpoint.failing = true;
    const failed = await rejection(cache.getJwk(URI, jwt));
    const failedFast = await rejection(cache.getJwk(URI, jwt));

    expect(found.kid).toBe("key-1");
    expect(failed.message).toBe("fetch failed: Error");
    expect(failedFast.message).toBe("failed moments ago (fetch failed: Error); not retrying yet");
    expect(endpoint.fetches).toBe(2);
  });
});

describe("parseEntraJwks", () => {
  it("keeps RSA keys of 2048 bits and more, and drops shorter RSA keys and keys of other types", () => {
    const longer = Buffer.concat([Buffer.from([0x01]), MODULUS]).toString("base64url");
    const jwks = {
      keys: [
        rsaKey("rsa-2048"),
        rsaKey("rsa-2047", { n: N_2047 }),
        rsaKey("rsa-2049", { n: longer }),
        rsaKey("rsa-1024", { n: MODULUS.subarray(0, 128).toString("base64url") }),
        { kty: "EC", use: "sig", kid: "ec", crv: "P-256", x: "AAAA", y: "AAAA" },
        { kty: "EC", use: "sig", kid: "ec-with-n", crv: "P-256", x: "AAAA", y: "AAAA", n: N_2048 },
        { kty: "oct", kid: "secret", k: "c2VjcmV0" },
        { kty: "RSA", use: "sig", kid: "rsa-no-n", e: "AQAB" },
      ],
    };

    const parsed = parseEntraJwks(body(JSON.stringify(jwks)));

    expect(parsed.keys.map((key) => key.kid)).toEqual(["rsa-2048", "rsa-2049"]);
  });

  it("counts a modulus with leading zero bytes by its value", () => {
    const padded = Buffer.concat([Buffer.from([0, 0]), MODULUS]).toString("base64url");
    const paddedShort = Buffer.concat([Buffer.from([0]), Buffer.from(N_2047, "base64url")]).toString(
      "base64url",
    );

    const parsed = parseEntraJwks(
      body(JSON.stringify({ keys: [rsaKey("padded", { n: padded }), rsaKey("short", { n: paddedShort })] })),
    );

    expect(parsed.keys.map((key) => key.kid)).toEqual(["padded"]);
  });

  it.each([["{}"], ['{"keys":[{"kid":"no kty"}]}'], ["[]"], ["null"]])("refuses %s as not a JWKS", (text) => {
    expect(() => parseEntraJwks(body(text))).toThrow(new JwksUnavailableError("response is not a JWKS"));
  });

  it("lets the JSON parser's error through for a body that is not JSON", () => {
    expect(() => parseEntraJwks(body("not json"))).toThrow(SyntaxError);
  });
});

describe("modulusBits", () => {
  it.each([
    ["the 2048-bit test key", N_2048, 2048],
    ["the same with the top bit cleared", N_2047, 2047],
    ["AQAB (65537)", "AQAB", 17],
    ["one byte 0x01", Buffer.from([0x01]).toString("base64url"), 1],
    ["one byte 0xff", Buffer.from([0xff]).toString("base64url"), 8],
    ["0x0100", Buffer.from([0x01, 0x00]).toString("base64url"), 9],
    ["0x00 0x80 0x00", Buffer.from([0x00, 0x80, 0x00]).toString("base64url"), 16],
    ["0x00 0x00 0x01 0x00", Buffer.from([0x00, 0x00, 0x01, 0x00]).toString("base64url"), 9],
    ["only zero bytes", Buffer.from([0, 0, 0]).toString("base64url"), 0],
    ["an empty string", "", 0],
  ])("counts %s as %i bits", (_, n, bits) => {
    expect(modulusBits(n)).toBe(bits);
  });

  it.each([[undefined], [null], [2048], [["AQAB"]]])("counts %j, which is not a string, as 0 bits", (n) => {
    expect(modulusBits(n)).toBe(0);
  });
});

describe("library errors", () => {
  it("are the library's own classes, as classify.ts expects", async () => {
    const { outcome, cache, jwt } = setup();
    await outcome("key-1");

    expect(() => cache.getCachedJwk(URI, jwt("nope"))).toThrow(libraryErrors.KidNotFoundInJwksError);
  });
});
