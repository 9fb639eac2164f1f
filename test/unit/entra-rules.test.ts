import { sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { IssuerEntry } from "../../lambda-src/authorizer/config.js";
import {
  breachedEntraRule,
  CLOCK_SKEW_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  type SigningKeyFacts,
} from "../../lambda-src/authorizer/entra-rules.js";
import type { JwtHeader, JwtPayload } from "../../lambda-src/authorizer/jwt-library.js";
import { base64url, entraClaims } from "../../local/entra/entra-tokens.js";
import {
  API_APP_ID,
  bearer,
  CLIENT_ID,
  event,
  inProcessAuthorizer,
  OTHER_TENANT,
  SIGNING_KEY,
  TENANT,
} from "../support/in-process.js";

const NOW = 1_800_000_000;
const V2_HOST = "login.microsoftonline.com";
const V2: IssuerEntry = { tenantId: TENANT, version: "2.0" };
const V1: IssuerEntry = { tenantId: TENANT, version: "1.0" };
const HEADER: JwtHeader = { typ: "JWT", alg: "RS256", kid: SIGNING_KEY.kid };
const NO_KEY_ISSUER: SigningKeyFacts = {};

function claims(version: "1.0" | "2.0", extra: Record<string, unknown> = {}): JwtPayload {
  const payload: Record<string, unknown> = {
    ...entraClaims({
      tenantId: TENANT,
      audience: version === "2.0" ? API_APP_ID : `api://${API_APP_ID}`,
      version,
      kind: "user",
      scopes: ["api.read"],
      clientId: CLIENT_ID,
      now: NOW,
    }),
    ...extra,
  };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) {
      delete payload[name];
    }
  }
  return payload as JwtPayload;
}

function check(
  options: {
    header?: Record<string, unknown>;
    payload?: JwtPayload;
    key?: SigningKeyFacts;
    issuer?: IssuerEntry;
    v2IssuerHost?: string;
  } = {},
) {
  return breachedEntraRule(
    { ...HEADER, ...options.header } as JwtHeader,
    options.payload ?? claims("2.0"),
    options.key ?? NO_KEY_ISSUER,
    options.issuer ?? V2,
    options.v2IssuerHost ?? V2_HOST,
    NOW,
  );
}

describe("breachedEntraRule", () => {
  it("breaks no rule for an ordinary v2 or v1 access token", () => {
    expect(check()).toBeUndefined();
    expect(check({ payload: claims("1.0"), issuer: V1 })).toBeUndefined();
  });

  describe("the header", () => {
    it.each([
      ["RS384", "alg RS384"],
      ["PS256", "alg PS256"],
      [undefined, "alg undefined"],
    ])("refuses alg %s, naming it", (alg, detail) => {
      expect(check({ header: { alg } })).toEqual({ reason: "UNSUPPORTED_ALGORITHM", detail });
    });

    it("refuses a nonce header as a Graph token, naming the aud", () => {
      expect(check({ header: { nonce: "abc" } })).toEqual({
        reason: "GRAPH_TOKEN",
        detail: `aud ${API_APP_ID}`,
      });
    });

    it("refuses a crit header, naming what it lists", () => {
      expect(check({ header: { crit: ["exp"] } })).toEqual({
        reason: "UNSUPPORTED_CRITICAL_HEADER",
        detail: 'crit ["exp"]',
      });
    });
  });

  describe("aud and tid", () => {
    it("refuses an aud that is an array, even one holding only the API", () => {
      expect(check({ payload: claims("2.0", { aud: [API_APP_ID] }) })).toEqual({
        reason: "INVALID_AUDIENCE",
        detail: "aud is not a single string",
      });
    });

    it.each([
      ["another tenant's", OTHER_TENANT, `tid ${OTHER_TENANT} does not match iss`],
      ["no", undefined, "tid undefined does not match iss"],
    ])("refuses %s tid under this tenant's iss", (_name, tid, detail) => {
      expect(check({ payload: claims("2.0", { tid }) })).toEqual({ reason: "INVALID_ISSUER", detail });
    });
  });

  describe("the key's issuer", () => {
    const templated = { issuer: `https://${V2_HOST}/{tenantid}/v2.0` };

    it("lets a templated key sign for the token's tenant, in v2 and in v1", () => {
      expect(check({ key: templated })).toBeUndefined();
      expect(check({ key: templated, payload: claims("1.0"), issuer: V1 })).toBeUndefined();
    });

    it("holds a v1 token to its tenant's v2 issuer on the cloud's v2 host", () => {
      const china = { issuer: "https://login.partner.microsoftonline.cn/{tenantid}/v2.0" };
      const payload = claims("1.0", { iss: `https://sts.chinacloudapi.cn/${TENANT}/` });

      expect(
        check({ key: china, payload, issuer: V1, v2IssuerHost: "login.partner.microsoftonline.cn" }),
      ).toBeUndefined();
      expect(check({ key: china, payload, issuer: V1 })).toEqual({
        reason: "SIGNING_KEY_ISSUER_MISMATCH",
        detail: `key issuer ${china.issuer}`,
      });
    });

    it("lets a key sign for exactly the issuer it names", () => {
      const v1Key = { issuer: `https://sts.windows.net/${TENANT}/` };

      expect(check({ key: v1Key, payload: claims("1.0"), issuer: V1 })).toBeUndefined();
    });

    it.each([
      [
        "another tenant",
        `https://${V2_HOST}/${OTHER_TENANT}/v2.0`,
        `key issuer https://${V2_HOST}/${OTHER_TENANT}/v2.0`,
      ],
      ["a number", 42, "key issuer 42"],
      ["null", null, "key issuer null"],
    ])("refuses a token signed by a key whose issuer is %s", (_name, issuer, detail) => {
      expect(check({ key: { issuer } })).toEqual({ reason: "SIGNING_KEY_ISSUER_MISMATCH", detail });
    });
  });

  describe("times", () => {
    it("refuses a token without exp", () => {
      expect(check({ payload: claims("2.0", { exp: undefined }) })).toEqual({ reason: "MISSING_EXPIRY" });
    });

    it.each([
      ["missing", undefined, "iat undefined"],
      ["a string", String(NOW), `iat ${NOW}`],
      ["past the skew", NOW + CLOCK_SKEW_SECONDS + 1, `iat ${NOW + CLOCK_SKEW_SECONDS + 1}`],
    ])("refuses an iat that is %s", (_name, iat, detail) => {
      expect(check({ payload: claims("2.0", { iat }) })).toEqual({ reason: "INVALID_ISSUED_AT", detail });
    });

    it("accepts an iat exactly at the skew", () => {
      expect(check({ payload: claims("2.0", { iat: NOW + CLOCK_SKEW_SECONDS }) })).toBeUndefined();
    });

    it("accepts a lifetime of exactly 28 hours and refuses one second more, naming it", () => {
      const lifetime = (seconds: number) => claims("2.0", { iat: NOW, exp: NOW + seconds });

      expect(check({ payload: lifetime(MAX_TOKEN_LIFETIME_SECONDS) })).toBeUndefined();
      expect(check({ payload: lifetime(MAX_TOKEN_LIFETIME_SECONDS + 1) })).toEqual({
        reason: "TOKEN_LIFETIME_TOO_LONG",
        detail: "100801 s",
      });
    });
  });

  describe("ID tokens", () => {
    it.each([["nonce"], ["at_hash"], ["c_hash"]])("refuses a token with a %s claim, naming it", (claim) => {
      expect(check({ payload: claims("2.0", { [claim]: "x" }) })).toEqual({
        reason: "NOT_AN_ACCESS_TOKEN",
        detail: `${claim} claim`,
      });
    });

    it.each([
      ["a v2 token without azp", claims("2.0", { azp: undefined }), V2, "no azp claim"],
      ["a v2 token whose azp is not a string", claims("2.0", { azp: 7 }), V2, "no azp claim"],
      [
        "a v2 token with appid instead of azp",
        claims("2.0", { azp: undefined, appid: CLIENT_ID }),
        V2,
        "no azp claim",
      ],
      ["a v1 token without appid", claims("1.0", { appid: undefined }), V1, "no appid claim"],
      [
        "a v1 token with azp instead of appid",
        claims("1.0", { appid: undefined, azp: CLIENT_ID }),
        V1,
        "no appid claim",
      ],
    ])("refuses %s", (_name, payload, issuer, detail) => {
      expect(check({ payload, issuer })).toEqual({ reason: "NOT_AN_ACCESS_TOKEN", detail });
    });
  });
});

describe("the header alg, through the authorizer", () => {
  it("refuses a token correctly signed with RS384, which the library accepts with Entra's alg-less keys", async () => {
    const authorizer = await inProcessAuthorizer();
    const header = base64url(JSON.stringify({ typ: "JWT", alg: "RS384", kid: SIGNING_KEY.kid }));
    const payload = base64url(JSON.stringify(claims("2.0", freshTimes())));
    const signature = sign("sha384", Buffer.from(`${header}.${payload}`), SIGNING_KEY.privateKey);

    await authorizer.authorize(event(bearer(`${header}.${payload}.${base64url(signature)}`)));

    expect(authorizer.decisions().at(-1)).toMatchObject({
      decision: "deny",
      reason: "UNSUPPORTED_ALGORITHM",
      detail: "alg RS384",
    });
  });
});

function freshTimes(): { iat: number; nbf: number; exp: number } {
  const now = Math.floor(Date.now() / 1000);
  return { iat: now, nbf: now, exp: now + 3600 };
}
