import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSigningKey, entraClaims, issuerFor, signJwt } from "../../local/entra/entra-tokens.js";

const TENANT = "11111111-2222-3333-4444-555555555555";
const NOW = 1_700_000_000;

describe("issuerFor", () => {
  it("names the STS host for v1 and the authority host for v2", () => {
    expect(issuerFor("1.0", TENANT, "login.microsoftonline.com")).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(issuerFor("1.0", TENANT, "login.microsoftonline.us")).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(issuerFor("1.0", TENANT, "login.chinacloudapi.cn")).toBe(
      `https://sts.chinacloudapi.cn/${TENANT}/`,
    );
    expect(issuerFor("2.0", TENANT, "127.0.0.1:8443")).toBe(`https://127.0.0.1:8443/${TENANT}/v2.0`);
    // A local authority host stands in for a cloud whose v1 issuer host is given explicitly.
    expect(issuerFor("1.0", TENANT, "127.0.0.1:8443", "sts.chinacloudapi.cn")).toBe(
      `https://sts.chinacloudapi.cn/${TENANT}/`,
    );
  });
});

describe("entraClaims", () => {
  it("builds a v1 user token with upn, appid and space-joined scopes", () => {
    const claims = entraClaims({
      tenantId: TENANT,
      audience: "api://orders",
      version: "1.0",
      kind: "user",
      scopes: ["Orders.Read", "Orders.Write"],
      userName: "ada.lovelace@contoso.example",
      clientId: "client-1",
      now: NOW,
    });

    expect(claims).toMatchObject({
      aud: "api://orders",
      iss: `https://sts.windows.net/${TENANT}/`,
      iat: NOW,
      nbf: NOW,
      exp: NOW + 3600,
      ver: "1.0",
      appid: "client-1",
      appidacr: "0",
      upn: "ada.lovelace@contoso.example",
      unique_name: "ada.lovelace@contoso.example",
      name: "Ada Lovelace",
      scp: "Orders.Read Orders.Write",
      tid: TENANT,
    });
    expect(claims).not.toHaveProperty("azp");
    expect(claims).not.toHaveProperty("idtyp");
    expect(claims).not.toHaveProperty("roles");
    expect(typeof claims.oid).toBe("string");
    expect(claims.sub).not.toBe(claims.oid);
  });

  it("builds a v2 app token with azp, roles, idtyp and no scp", () => {
    const claims = entraClaims({
      tenantId: TENANT,
      audience: "00000000-0000-4000-8000-0000000a0a91",
      version: "2.0",
      kind: "app",
      roles: ["Orders.Manage"],
      scopes: ["ignored"],
      authorityHost: "login.microsoftonline.com",
      clientId: "client-2",
      lifetimeSeconds: 60,
      now: NOW,
    });

    expect(claims).toMatchObject({
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      ver: "2.0",
      azp: "client-2",
      azpacr: "1",
      idtyp: "app",
      roles: ["Orders.Manage"],
      exp: NOW + 60,
    });
    expect(claims).not.toHaveProperty("scp");
    expect(claims).not.toHaveProperty("preferred_username");
    expect(claims.sub).toBe(claims.oid);
  });

  it("keeps the same oid for the same user across tokens", () => {
    const options = {
      tenantId: TENANT,
      audience: "a",
      version: "2.0",
      kind: "user",
      userName: "x@y.example",
    } as const;

    expect(entraClaims(options).oid).toBe(entraClaims(options).oid);
    expect(entraClaims(options).preferred_username).toBe("x@y.example");
  });
});

describe("signJwt", () => {
  it("signs RS256 with the key's kid, verifiable with its public JWK", () => {
    const key = createSigningKey();
    const token = signJwt({ hello: "world" }, key);
    const [header = "", payload = "", signature = ""] = token.split(".");

    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({
      typ: "JWT",
      alg: "RS256",
      kid: key.kid,
    });
    expect(key.publicJwk).not.toHaveProperty("alg");
    expect(
      verify(
        "sha256",
        Buffer.from(`${header}.${payload}`),
        createPublicKey({ key: { ...key.publicJwk }, format: "jwk" }),
        Buffer.from(signature, "base64url"),
      ),
    ).toBe(true);
  });

  it("lets tests forge header members", () => {
    const key = createSigningKey("kid-1");
    const [header = ""] = signJwt({}, key, { alg: "none", kid: "other" }).split(".");

    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({
      typ: "JWT",
      alg: "none",
      kid: "other",
    });
  });
});
