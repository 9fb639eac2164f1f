import { describe, expect, it } from "vitest";
import { classify } from "../../lambda-src/authorizer/classify.js";
import { JwksRefetchThrottledError, JwksUnavailableError } from "../../lambda-src/authorizer/errors.js";
import { libraryErrors as E } from "../../lambda-src/authorizer/jwt-library.js";
import { base64url } from "../../local/entra/entra-tokens.js";
import { API_APP_ID, OTHER_TENANT, TENANT } from "../support/in-process.js";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const ISSUER_HOSTS: ReadonlySet<string> = new Set(["login.microsoftonline.com", "sts.windows.net"]);
const V2_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

/** A token as classify sees it: decoded without any check, so the signature part is never read. */
function token(payload: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  const fullHeader = { typ: "JWT", alg: "RS256", kid: "key-1", ...header };
  const fullPayload = { aud: API_APP_ID, iss: V2_ISSUER, tid: TENANT, ...payload };
  return `${base64url(JSON.stringify(fullHeader))}.${base64url(JSON.stringify(fullPayload))}.c2ln`;
}

/** Parts that are base64url JSON of any shape, for tokens whose header or payload is not an object. */
function rawToken(header: string, payload: string): string {
  return `${base64url(header)}.${base64url(payload)}.c2ln`;
}

const signatureError = () => new E.JwtInvalidSignatureError("Invalid signature");

describe("classify", () => {
  describe("Microsoft Graph tokens", () => {
    it("refuses a token with a nonce header as a Graph token, whatever the library said, naming its aud", () => {
      const refusal = classify(signatureError(), token({}, { nonce: "abc" }), ISSUER_HOSTS);

      expect(refusal).toEqual({ reason: "GRAPH_TOKEN", detail: `aud ${API_APP_ID}` });
    });

    it.each([
      ["Graph's app ID", GRAPH_APP_ID, `aud ${GRAPH_APP_ID}`],
      ["Graph's URL", "https://graph.microsoft.com", "aud https://graph.microsoft.com"],
      ["Graph's URL with a slash", "https://graph.microsoft.com/", "aud https://graph.microsoft.com/"],
      ["US Government Graph", "https://graph.microsoft.us", "aud https://graph.microsoft.us"],
      ["US DoD Graph", "https://dod-graph.microsoft.us", "aud https://dod-graph.microsoft.us"],
      [
        "Graph in China",
        "https://microsoftgraph.chinacloudapi.cn",
        "aud https://microsoftgraph.chinacloudapi.cn",
      ],
      ["Graph's app ID after the API", ["api://mine", GRAPH_APP_ID], `aud ["api://mine","${GRAPH_APP_ID}"]`],
      [
        "Graph's URL after the API",
        ["api://mine", "https://graph.microsoft.com"],
        'aud ["api://mine","https://graph.microsoft.com"]',
      ],
    ])("refuses an aud of %s as a Graph token", (_name, aud, detail) => {
      const refusal = classify(
        new E.JwtInvalidAudienceError("aud", aud, API_APP_ID),
        token({ aud }),
        ISSUER_HOSTS,
      );

      expect(refusal).toEqual({ reason: "GRAPH_TOKEN", detail });
    });

    it.each([
      [
        "a look-alike host",
        "https://graph.microsoft.com.example.net",
        "aud https://graph.microsoft.com.example.net",
      ],
      ["a prefix before the URL", "xhttps://graph.microsoft.com", "aud xhttps://graph.microsoft.com"],
      ["a path after the host", "https://graph.microsoft.com/v1.0", "aud https://graph.microsoft.com/v1.0"],
      [
        "Graph's URL nested in an array",
        [["https://graph.microsoft.com"]],
        'aud [["https://graph.microsoft.com"]]',
      ],
      ["another API", "api://someone-else", "aud api://someone-else"],
    ])("treats an aud with %s as an ordinary wrong audience", (_name, aud, detail) => {
      const error = new E.JwtInvalidAudienceError("aud", aud, API_APP_ID);

      expect(classify(error, token({ aud }), ISSUER_HOSTS)).toEqual({ reason: "INVALID_AUDIENCE", detail });
    });
  });

  describe("failures of the JWKS", () => {
    it("passes on the message of an unavailable JWKS", () => {
      const refusal = classify(new JwksUnavailableError("fetch failed: Error"), token({}), ISSUER_HOSTS);

      expect(refusal).toEqual({ reason: "JWKS_UNAVAILABLE", detail: "fetch failed: Error" });
    });

    it("names the kid of a throttled refetch", () => {
      const refusal = classify(
        new JwksRefetchThrottledError("throttled"),
        token({}, { kid: "kid-9" }),
        ISSUER_HOSTS,
      );

      expect(refusal).toEqual({ reason: "JWKS_REFETCH_THROTTLED", detail: "kid kid-9" });
    });

    it("calls a token it cannot decode malformed, whatever failed first", () => {
      for (const error of [new JwksRefetchThrottledError("throttled"), new JwksUnavailableError("down")]) {
        expect(classify(error, "not-a-jwt", ISSUER_HOSTS)).toEqual({
          reason: "MALFORMED_TOKEN",
          detail: "not a well-formed JWT",
        });
      }
    });
  });

  describe("tokens it cannot decode", () => {
    it.each([
      ["not a JWT at all", "not-a-jwt"],
      ["a payload that is a JSON array", rawToken('{"alg":"RS256"}', "[]")],
      ["a payload that is a JSON string", rawToken('{"alg":"RS256"}', '"text"')],
      ["a header that is a JSON array", rawToken('["RS256"]', `{"aud":"${API_APP_ID}"}`)],
      ["a header that is JSON null", rawToken("null", `{"aud":"${API_APP_ID}"}`)],
      ["a payload that is not JSON", rawToken('{"alg":"RS256"}', "{aud")],
    ])("refuses %s as malformed, whatever the library said", (_name, jwt) => {
      expect(classify(signatureError(), jwt, ISSUER_HOSTS)).toEqual({
        reason: "MALFORMED_TOKEN",
        detail: "not a well-formed JWT",
      });
    });

    it("refuses a decodable token the library could not parse as malformed", () => {
      const refusal = classify(new E.JwtParseError("Invalid JWT"), token(), ISSUER_HOSTS);

      expect(refusal).toEqual({ reason: "MALFORMED_TOKEN", detail: "not a well-formed JWT" });
    });
  });

  describe("algorithms", () => {
    it.each([
      ["HS256", { alg: "HS256" }, "alg HS256"],
      ["RS384", { alg: "RS384" }, "alg RS384"],
      ["none at all", { alg: undefined }, "alg undefined"],
    ])("refuses a header alg of %s before reading the library's error", (_name, header, detail) => {
      expect(classify(new E.JwtExpiredError("Token expired", 1), token({}, header), ISSUER_HOSTS)).toEqual({
        reason: "UNSUPPORTED_ALGORITHM",
        detail,
      });
    });

    it("refuses an RS256 header the library says does not fit the key", () => {
      const error = new E.JwtInvalidSignatureAlgorithmError("alg", "RS256", "PS256");

      expect(classify(error, token(), ISSUER_HOSTS)).toEqual({
        reason: "UNSUPPORTED_ALGORITHM",
        detail: "alg RS256",
      });
    });
  });

  describe("claims the library refused", () => {
    it("names exp of an expired token", () => {
      const refusal = classify(
        new E.JwtExpiredError("Token expired", 1),
        token({ exp: 1_700_000_000 }),
        ISSUER_HOSTS,
      );

      expect(refusal).toEqual({ reason: "TOKEN_EXPIRED", detail: "exp 1700000000" });
    });

    it("names nbf of a token not yet valid", () => {
      const refusal = classify(
        new E.JwtNotBeforeError("Token not yet valid", 1),
        token({ nbf: 1_900_000_000 }),
        ISSUER_HOSTS,
      );

      expect(refusal).toEqual({ reason: "TOKEN_NOT_YET_VALID", detail: "nbf 1900000000" });
    });

    it("names aud of a token for another API", () => {
      const error = new E.JwtInvalidAudienceError("aud", "api://other", API_APP_ID);

      expect(classify(error, token({ aud: "api://other" }), ISSUER_HOSTS)).toEqual({
        reason: "INVALID_AUDIENCE",
        detail: "aud api://other",
      });
    });
  });

  describe("issuers", () => {
    const issuerErrors = [
      ["an issuer error", () => new E.JwtInvalidIssuerError("iss", "x", "y")],
      ["an issuer that is not configured", () => new E.ParameterValidationError("issuer not configured")],
    ] as const;

    it.each(
      issuerErrors.flatMap(([name, error]) => [
        [name, error, `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`],
        [name, error, `https://sts.windows.net/${OTHER_TENANT}/`],
      ]),
    )("refuses %s of this cloud for an unlisted tenant as TENANT_NOT_ALLOWED: %s", (_name, error, iss) => {
      expect(classify(error(), token({ iss }), ISSUER_HOSTS)).toEqual({
        reason: "TENANT_NOT_ALLOWED",
        detail: `iss ${iss}`,
      });
    });

    it.each([
      [
        "a host of another cloud",
        `https://login.example.com/${OTHER_TENANT}/v2.0`,
        `iss https://login.example.com/${OTHER_TENANT}/v2.0`,
      ],
      [
        "a tenant that is a domain name",
        "https://login.microsoftonline.com/contoso.com/v2.0",
        "iss https://login.microsoftonline.com/contoso.com/v2.0",
      ],
      [
        "text before the URL",
        `xhttps://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
        `iss xhttps://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
      ],
      [
        "a path after v2.0",
        `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0/x`,
        `iss https://login.microsoftonline.com/${OTHER_TENANT}/v2.0/x`,
      ],
      [
        "no slash after the tenant",
        `https://sts.windows.net/${OTHER_TENANT}`,
        `iss https://sts.windows.net/${OTHER_TENANT}`,
      ],
      ["a number", 42, "iss 42"],
      ["nothing", undefined, "iss undefined"],
    ])("refuses an iss with %s as INVALID_ISSUER", (_name, iss, detail) => {
      expect(
        classify(new E.JwtInvalidIssuerError("iss", iss, V2_ISSUER), token({ iss }), ISSUER_HOSTS),
      ).toEqual({
        reason: "INVALID_ISSUER",
        detail,
      });
    });
  });

  describe("signatures and keys", () => {
    it("refuses an invalid signature without a detail", () => {
      expect(classify(signatureError(), token(), ISSUER_HOSTS)).toEqual({ reason: "INVALID_SIGNATURE" });
    });

    it.each([
      ["a kid the JWKS does not hold", () => new E.KidNotFoundInJwksError("no such kid")],
      ["a missing or invalid kid", () => new E.JwtWithoutValidKidError("no kid")],
    ])("refuses %s, naming the kid", (_name, error) => {
      expect(classify(error(), token({}, { kid: "kid-7" }), ISSUER_HOSTS)).toEqual({
        reason: "UNKNOWN_SIGNING_KEY",
        detail: "kid kid-7",
      });
    });

    it.each([
      ["a key the library cannot use", () => new E.JwkValidationError("bad key")],
      ["another claim the library checks", () => new E.JwtInvalidScopeError("scope", "a", "b")],
    ])("refuses %s as malformed, naming the error", (_name, error) => {
      expect(classify(error(), token(), ISSUER_HOSTS)).toEqual({
        reason: "MALFORMED_TOKEN",
        detail: "Error",
      });
    });
  });

  describe("anything else", () => {
    it.each([
      ["a TypeError", new TypeError("x is undefined"), "TypeError"],
      ["a thrown string", "boom", "string"],
    ])("refuses %s as an internal error, naming only its type", (_name, error, detail) => {
      expect(classify(error, token(), ISSUER_HOSTS)).toEqual({ reason: "INTERNAL_ERROR", detail });
    });
  });
});
