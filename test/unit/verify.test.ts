import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../lambda-src/authorizer/config.js";
import { EntraJwksCache } from "../../lambda-src/authorizer/jwks-cache.js";
import { createTokenVerifier } from "../../lambda-src/authorizer/verify.js";
import { createSigningKey } from "../../local/entra/entra-tokens.js";
import {
  BASE_ENV,
  CLIENT_ID,
  keySetEndpoint,
  SIGNING_KEY,
  TENANT,
  userToken,
} from "../support/in-process.js";

const MALFORMED = { reason: "MALFORMED_TOKEN", detail: "scp, roles, sub or oid has an unexpected type" };

/** A verifier over keys served from memory, on a clock the test moves (the library reads Date.now itself). */
function setup(options: { defaultClock?: boolean } = {}) {
  const clock = { now: Date.now() };
  const endpoint = keySetEndpoint();
  const jwksCache = new EntraJwksCache({ keyRetentionMs: 0, now: () => clock.now, fetcher: endpoint });
  const config = loadConfig(BASE_ENV);
  const verifier = options.defaultClock
    ? createTokenVerifier(config, jwksCache)
    : createTokenVerifier(config, jwksCache, () => clock.now);
  return { clock, endpoint, jwksCache, verifier };
}

describe("createTokenVerifier", () => {
  it("returns the caller's identity, frozen, with the verified payload as its claims", async () => {
    const { verifier } = setup();
    const token = userToken({ claims: { roles: ["Reader"] } });
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;

    const identity = await verifier.verify(token);

    expect(identity).toEqual({
      subject: payload.sub,
      objectId: payload.oid,
      tenantId: TENANT,
      clientId: CLIENT_ID,
      scopes: ["api.read"],
      roles: ["Reader"],
      version: "2.0",
      claims: payload,
    });
    expect(Object.isFrozen(identity)).toBe(true);
  });

  it("fetches the keys on the first request when nothing prefetched them", async () => {
    const { endpoint, verifier } = setup();

    const identity = await verifier.verify(userToken());

    expect(identity).toMatchObject({ tenantId: TENANT });
    expect(endpoint.fetches).toBe(1);
  });

  it("checks a token whose key is cached without the asynchronous lookup, whether it passes or not", async () => {
    const { endpoint, jwksCache, verifier } = setup();
    await verifier.prefetch();
    const getJwk = vi.spyOn(jwksCache, "getJwk");

    const allowed = await verifier.verify(userToken());
    const forged = await verifier.verify(userToken({ key: createSigningKey(SIGNING_KEY.kid) }));

    expect(allowed).toMatchObject({ tenantId: TENANT });
    expect(forged).toEqual({ reason: "INVALID_SIGNATURE" });
    // The failed signature refetched the keys (the kid might carry new material): the same key came back.
    expect(getJwk).not.toHaveBeenCalled();
    expect(endpoint.fetches).toBe(2);
  });

  it("looks an unknown kid up again, asynchronously", async () => {
    const { endpoint, jwksCache, verifier } = setup();
    await verifier.prefetch();
    const getJwk = vi.spyOn(jwksCache, "getJwk");

    const refusal = await verifier.verify(userToken({ key: createSigningKey("unpublished") }));

    expect(refusal).toEqual({ reason: "UNKNOWN_SIGNING_KEY", detail: "kid unpublished" });
    expect(getJwk).toHaveBeenCalledOnce();
    expect(endpoint.fetches).toBe(2);
  });

  it("reads iat against the current time by default", async () => {
    const { verifier } = setup({ defaultClock: true });
    const now = Math.floor(Date.now() / 1000);

    const refusal = await verifier.verify(userToken({ extra: { iat: now + 120, nbf: now } }));

    expect(refusal).toEqual({ reason: "INVALID_ISSUED_AT", detail: `iat ${now + 120}` });
  });

  it("serves an accepted token from its cache, and never caches a refusal", async () => {
    const { clock, verifier } = setup();
    const now = Math.floor(clock.now / 1000);
    const early = userToken({ extra: { iat: now + 120, nbf: now } });
    const accepted = userToken();

    const first = await verifier.verify(accepted);
    const refusal = await verifier.verify(early);
    clock.now += 120_000;

    expect(await verifier.verify(accepted)).toBe(first);
    expect(refusal).toMatchObject({ reason: "INVALID_ISSUED_AT" });
    expect(await verifier.verify(early)).toMatchObject({ tenantId: TENANT });
  });

  it.each([
    ["roles that is a string", { roles: "Admin" }],
    ["roles with a number after a string", { roles: ["Admin", 7] }],
    ["roles with only a number", { roles: [7] }],
    ["roles that is an object", { roles: { 0: "Admin" } }],
    ["scp that is a list", { scp: ["api.read"] }],
    ["no sub", { sub: undefined }],
    ["an oid that is a number", { oid: 42 }],
    ["an oid that is null", { oid: null }],
  ])("refuses a token with %s as malformed", async (_name, extra) => {
    const { verifier } = setup();

    expect(await verifier.verify(userToken({ extra }))).toEqual(MALFORMED);
  });

  it("accepts a token without oid, whose subject then stands alone", async () => {
    const { verifier } = setup();

    const identity = await verifier.verify(userToken({ extra: { oid: undefined, sub: "pairwise-sub" } }));

    expect(identity).toMatchObject({ subject: "pairwise-sub", objectId: undefined });
  });

  it.each([
    ["double spaces", "a  b", ["a", "b"]],
    ["leading and trailing spaces", " a b ", ["a", "b"]],
    ["only spaces", "   ", []],
  ])("reads scp with %s without empty scopes", async (_name, scp, scopes) => {
    const { verifier } = setup();

    expect(await verifier.verify(userToken({ extra: { scp, roles: ["r"] } }))).toMatchObject({ scopes });
  });

  it("reads a token without scp or roles as holding neither", async () => {
    const { verifier } = setup();

    const identity = await verifier.verify(userToken({ claims: { scopes: undefined } }));

    expect(identity).toMatchObject({ scopes: [], roles: [] });
  });
});
