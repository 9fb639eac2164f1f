/**
 * Entra's key-set churn, replayed: the public history of the `common` keys endpoint (235 snapshots,
 * June–October 2024, test/fixtures/entra-common-key-history.json) served by a fake endpoint on a fake
 * clock, with one freshly generated key per key of the history. Consecutive snapshots almost always
 * differ, and most keys come and go several times: different front ends serve different sets.
 *
 * The model: every 6 hours each key the endpoint serves signs a token that lives 28 hours, Entra's
 * longest access-token lifetime; each token is presented right away and again 1, 3, 9, 18 and 27 hours
 * later. One container of the authorizer answers the whole history, fetching as it does in Lambda (at
 * start, for an unknown kid, and in the background once its keys are an hour old). A refusal of any of
 * these tokens is a false denial: each was signed by a key Entra served when the token was issued.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Fetcher } from "../../lambda-src/authorizer/jwt-library.js";
import { createSigningKey, type SigningKey } from "../../local/entra/entra-tokens.js";
import { bearer, event, inProcessAuthorizer, userToken } from "../support/in-process.js";

const HOUR = 60 * 60 * 1000;
const SIGNING_INTERVAL_MS = 6 * HOUR;
const TOKEN_LIFETIME_S = 28 * 60 * 60;
const PRESENTED_AFTER_MS = [0, 1, 3, 9, 18, 27].map((hours) => hours * HOUR);

interface History {
  keys: number;
  snapshots: [at: string, keys: number[]][];
}

const history = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../fixtures/entra-common-key-history.json"), "utf8"),
) as History;
const snapshots = history.snapshots.map(([at, keys]) => ({ at: Date.parse(at), keys }));
const start = snapshots[0]?.at ?? 0;
const end = snapshots.at(-1)?.at ?? 0;

/** The indexes of the keys the endpoint serves at `time`: the latest snapshot taken by then. */
function servedAt(time: number): number[] {
  let served = snapshots[0]?.keys ?? [];
  for (const snapshot of snapshots) {
    if (snapshot.at > time) {
      break;
    }
    served = snapshot.keys;
  }
  return served;
}

interface Presentation {
  at: number;
  authorization: string;
}

let signingKeys: SigningKey[];
let presentations: Presentation[];

beforeAll(() => {
  signingKeys = Array.from({ length: history.keys }, (_, index) => createSigningKey(`entra-key-${index}`));
  presentations = [];
  for (let issuedAt = start; issuedAt <= end; issuedAt += SIGNING_INTERVAL_MS) {
    for (const index of servedAt(issuedAt)) {
      const iat = Math.floor(issuedAt / 1000);
      const token = userToken({
        key: signingKeys[index],
        claims: { now: iat, lifetimeSeconds: TOKEN_LIFETIME_S },
      });
      for (const after of PRESENTED_AFTER_MS) {
        presentations.push({ at: issuedAt + after, authorization: bearer(token) });
      }
    }
  }
  presentations.sort((a, b) => a.at - b.at);
}, 120_000);

afterEach(() => {
  vi.useRealTimers();
});

/** Replays the whole history against one container; returns how many valid tokens it refused. */
async function falseDenials(env: Record<string, string>): Promise<number> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(start);
  const endpoint: Fetcher = {
    async fetch() {
      const keys = servedAt(Date.now()).map((index) => signingKeys[index]?.publicJwk);
      return new TextEncoder().encode(JSON.stringify({ keys })).buffer;
    },
  };
  const authorizer = await inProcessAuthorizer(
    // Every presentation looks its key up: no verified-token cache, and only refusals are logged.
    { AUTHZ_TOKEN_CACHE_SECONDS: "0", AWS_LAMBDA_LOG_LEVEL: "WARN", ...env },
    { endpoint: Object.assign(endpoint, { keys: [], fault: undefined, fetches: 0 }) },
  );
  for (const { at, authorization } of presentations) {
    vi.setSystemTime(at);
    // A refusal that must not be cached fails the invocation: a 500 for the caller, a false denial too.
    await authorizer.authorize(event(authorization)).catch(() => undefined);
    // Lets a background refresh that this request started finish before the next request.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const refusals = authorizer.decisions();
  // Only missing keys may refuse these tokens (unknown, or not refetched again so soon): anything else
  // would be a fault of the replay itself.
  for (const { reason } of refusals) {
    expect(["UNKNOWN_SIGNING_KEY", "JWKS_REFETCH_THROTTLED"]).toContain(reason);
  }
  return refusals.length;
}

describe("Entra's key-set churn, replayed from the public history of the common endpoint", () => {
  it("refuses no valid token with the default key retention of 48 hours", async () => {
    expect(presentations.length).toBeGreaterThan(20_000);

    expect(await falseDenials({})).toBe(0);
  }, 120_000);

  it("refuses valid tokens when only the latest fetch counts (retention 0), and still with 24 hours", async () => {
    const latestOnly = await falseDenials({ ENTRA_JWKS_KEY_RETENTION_HOURS: "0" });
    const oneDay = await falseDenials({ ENTRA_JWKS_KEY_RETENTION_HOURS: "24" });

    expect(latestOnly).toBeGreaterThan(oneDay);
    expect(oneDay).toBeGreaterThan(0);
  }, 240_000);
});
