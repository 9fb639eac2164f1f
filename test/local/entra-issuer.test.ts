import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEV_CLIENT_SECRET, type EntraIssuer, startEntraIssuer } from "../../local/entra/entra-issuer.js";
import { createSigningKey, DEV_CLIENT_ID } from "../../local/entra/entra-tokens.js";
import { type JsonResponse, requestJson } from "../../local/cli/https-json.js";
import { createTlsMaterial, type TlsMaterial } from "../../local/entra/tls.js";

const TENANT = "11111111-2222-3333-4444-555555555555";

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = "", payload = ""] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>,
  };
}

describe("startEntraIssuer", () => {
  let dir: string;
  let tls: TlsMaterial;
  let issuer: EntraIssuer;
  const get = (path: string, timeoutMs?: number): Promise<JsonResponse> =>
    requestJson(`${issuer.baseUrl}${path}`, {
      ca: tls.caCertPem,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  const postForm = (path: string, form: Record<string, string>): Promise<JsonResponse> =>
    requestJson(`${issuer.baseUrl}${path}`, {
      method: "POST",
      ca: tls.caCertPem,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  const clientCredentials = (overrides: Record<string, string> = {}): Promise<JsonResponse> =>
    postForm(`/${TENANT}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: DEV_CLIENT_ID,
      client_secret: DEV_CLIENT_SECRET,
      scope: `${issuer.api.identifierUri}/.default`,
      ...overrides,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "issuer-test-"));
    tls = await createTlsMaterial(dir);
    issuer = await startEntraIssuer({
      tls,
      tenantId: TENANT,
      clients: [{ clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET, roles: ["Reports.Read.All"] }],
    });
  });

  afterAll(async () => {
    await issuer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    issuer.setFault("none");
  });

  it("listens on 127.0.0.1 with Entra's paths", () => {
    expect(issuer.authorityHost).toBe(`127.0.0.1:${issuer.port}`);
    expect(issuer.baseUrl).toBe(`https://127.0.0.1:${issuer.port}`);
    expect(issuer.jwksUri).toBe(`https://127.0.0.1:${issuer.port}/${TENANT}/discovery/v2.0/keys`);
  });

  it("serves v2 and v1 OpenID discovery documents in Entra's shape", async () => {
    const v2 = (await get(`/${TENANT}/v2.0/.well-known/openid-configuration`)).json as Record<
      string,
      unknown
    >;
    const v1 = (await get(`/${TENANT}/.well-known/openid-configuration`)).json as Record<string, unknown>;

    expect(v2).toMatchObject({
      issuer: `${issuer.baseUrl}/${TENANT}/v2.0`,
      jwks_uri: issuer.jwksUri,
      token_endpoint: `${issuer.baseUrl}/${TENANT}/oauth2/v2.0/token`,
      authorization_endpoint: `${issuer.baseUrl}/${TENANT}/oauth2/v2.0/authorize`,
    });
    expect(v1).toMatchObject({
      issuer: `https://sts.windows.net/${TENANT}/`,
      jwks_uri: `${issuer.baseUrl}/${TENANT}/discovery/keys`,
      token_endpoint: `${issuer.baseUrl}/${TENANT}/oauth2/token`,
    });
  });

  it("publishes RSA signing keys without alg, and counts JWKS fetches", async () => {
    const before = issuer.jwksFetchCount;

    const v2 = await get(`/${TENANT}/discovery/v2.0/keys`);
    const v1 = await get(`/${TENANT}/discovery/keys`);

    const [key] = (v2.json as { keys: Record<string, unknown>[] }).keys;
    expect(key).toMatchObject({
      kty: "RSA",
      use: "sig",
      kid: issuer.keys[0]?.kid,
      issuer: `${issuer.baseUrl}/${TENANT}/v2.0`,
    });
    expect(key).not.toHaveProperty("alg");
    expect((v1.json as { keys: Record<string, unknown>[] }).keys[0]).not.toHaveProperty("issuer");
    expect(issuer.jwksFetchCount).toBe(before + 2);
  });

  it("issues a v2 app token for client credentials that verifies against the JWKS", async () => {
    const response = await clientCredentials();

    expect(response.status).toBe(200);
    const body = response.json as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const token = String(body.access_token);
    const { header, payload } = decode(token);
    const jwks = (await get(`/${TENANT}/discovery/v2.0/keys`)).json as { keys: JsonWebKey[] };
    const jwk = jwks.keys.find((candidate) => candidate.kid === header.kid);
    const [encodedHeader, encodedPayload, signature = ""] = token.split(".");
    const valid = verify(
      "sha256",
      Buffer.from(`${encodedHeader}.${encodedPayload}`),
      createPublicKey({ key: jwk as JsonWebKey, format: "jwk" }),
      Buffer.from(signature, "base64url"),
    );
    expect(valid).toBe(true);
    expect(header).toEqual({ typ: "JWT", alg: "RS256", kid: issuer.keys[0]?.kid });
    expect(payload).toMatchObject({
      aud: issuer.api.appId,
      iss: `${issuer.baseUrl}/${TENANT}/v2.0`,
      tid: TENANT,
      ver: "2.0",
      azp: DEV_CLIENT_ID,
      azpacr: "1",
      idtyp: "app",
      roles: ["Reports.Read.All"],
    });
    expect(payload).not.toHaveProperty("scp");
    expect(payload.sub).toBe(payload.oid);
  });

  it("issues v1 app tokens for an API whose manifest asks for v1, echoing the requested identifier", async () => {
    const v1Issuer = await startEntraIssuer({
      tls,
      tenantId: TENANT,
      api: { identifierUri: "api://orders", accessTokenVersion: "1.0" },
      clients: [{ clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET, roles: ["Orders.Read"] }],
    });
    try {
      const response = await requestJson(`${v1Issuer.baseUrl}/${TENANT}/oauth2/v2.0/token`, {
        method: "POST",
        ca: tls.caCertPem,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          // client_secret_basic, the other way Entra accepts client credentials.
          authorization: `Basic ${Buffer.from(`${DEV_CLIENT_ID}:${DEV_CLIENT_SECRET}`).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          scope: "api://orders/.default",
        }).toString(),
      });

      const { payload } = decode(String((response.json as Record<string, unknown>).access_token));
      expect(payload).toMatchObject({
        ver: "1.0",
        aud: "api://orders",
        iss: `https://sts.windows.net/${TENANT}/`,
        appid: DEV_CLIENT_ID,
        appidacr: "1",
        roles: ["Orders.Read"],
      });
    } finally {
      await v1Issuer.close();
    }
  });

  it("answers bad client credentials with Entra's error JSON", async () => {
    const badSecret = await clientCredentials({ client_secret: "wrong" });
    const unknownClient = await clientCredentials({ client_id: "11111111-1111-4111-8111-111111111111" });
    const badScope = await clientCredentials({ scope: "api://someone-else/.default" });
    const notDefault = await clientCredentials({ scope: `${issuer.api.identifierUri}/Reports.Read` });

    expect(badSecret.status).toBe(401);
    expect(badSecret.json).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(String((badSecret.json as Record<string, unknown>).error_description)).toMatch(/^AADSTS7000215: /);
    expect(unknownClient.json).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
    expect(badScope.json).toMatchObject({ error: "invalid_resource", error_codes: [500011] });
    expect(notDefault.json).toMatchObject({ error: "invalid_scope", error_codes: [1002012] });
  });

  it("issues delegated tokens for a named user only through the local-dev-only endpoint", async () => {
    const response = await requestJson(`${issuer.baseUrl}/${TENANT}/local-dev-only/token`, {
      method: "POST",
      ca: tls.caCertPem,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        kind: "user",
        version: "1.0",
        scopes: ["Orders.Read", "Orders.Write"],
        userName: "ada@contoso.example",
      }),
    });

    const { payload } = decode(String((response.json as Record<string, unknown>).access_token));
    expect(payload).toMatchObject({
      iss: `https://sts.windows.net/${TENANT}/`,
      aud: issuer.api.identifierUri,
      ver: "1.0",
      scp: "Orders.Read Orders.Write",
      upn: "ada@contoso.example",
      unique_name: "ada@contoso.example",
      name: "Ada",
    });
  });

  it("answers for any tenant GUID with that tenant's issuer, and refuses what is not a tenant", async () => {
    const other = "11111111-1111-4111-8111-111111111111";

    const discovery = await get(`/${other}/v2.0/.well-known/openid-configuration`);
    const jwks = await get(`/${other}/discovery/v2.0/keys`);
    const notATenant = await get(`/contoso/discovery/v2.0/keys`);

    expect(discovery.json).toMatchObject({
      issuer: `${issuer.baseUrl}/${other}/v2.0`,
      jwks_uri: `${issuer.baseUrl}/${other}/discovery/v2.0/keys`,
    });
    expect((jwks.json as { keys: Record<string, unknown>[] }).keys[0]).toMatchObject({
      kid: issuer.keys[0]?.kid,
      issuer: `${issuer.baseUrl}/${other}/v2.0`,
    });
    expect(notATenant).toMatchObject({
      status: 400,
      json: { error: "invalid_tenant", error_codes: [90002] },
    });
  });

  it("serves the common JWKS with Entra's {tenantid} issuer template on each key", async () => {
    const common = await get("/common/discovery/v2.0/keys");
    const discovery = await get("/common/v2.0/.well-known/openid-configuration");
    const tokenOnCommon = await postForm("/common/oauth2/v2.0/token", { grant_type: "client_credentials" });

    const keys = (common.json as { keys: Record<string, unknown>[] }).keys;
    expect(issuer.commonJwksUri).toBe(`${issuer.baseUrl}/common/discovery/v2.0/keys`);
    expect(keys.map((key) => key.kid)).toEqual(issuer.keys.map((key) => key.kid));
    expect(keys.every((key) => key.issuer === `${issuer.baseUrl}/{tenantid}/v2.0`)).toBe(true);
    expect(discovery.json).toMatchObject({
      issuer: `${issuer.baseUrl}/{tenantid}/v2.0`,
      jwks_uri: `${issuer.baseUrl}/common/discovery/v2.0/keys`,
    });
    expect(tokenOnCommon.status).toBe(400);
  });

  it("mints dev tokens for another tenant, with the claims asked for", async () => {
    const other = "11111111-1111-4111-8111-111111111111";
    const response = await requestJson(`${issuer.baseUrl}/${other}/local-dev-only/token`, {
      method: "POST",
      ca: tls.caCertPem,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        kind: "app",
        version: "2.0",
        roles: ["Reports.Read.All"],
        clientId: "22222222-2222-4222-8222-222222222222",
        claims: { groups: ["g1"], xms_cc: ["cp1"] },
        lifetimeSeconds: -60,
      }),
    });

    const { payload } = decode(String((response.json as Record<string, unknown>).access_token));
    expect(payload).toMatchObject({
      iss: `${issuer.baseUrl}/${other}/v2.0`,
      tid: other,
      azp: "22222222-2222-4222-8222-222222222222",
      idtyp: "app",
      roles: ["Reports.Read.All"],
      groups: ["g1"],
      xms_cc: ["cp1"],
      ver: "2.0",
    });
    expect(payload).not.toHaveProperty("scp");
    expect(Number(payload.exp)).toBeLessThan(Date.now() / 1000);
    for (const name of ["iat", "nbf", "exp", "oid", "sub"]) expect(payload).toHaveProperty(name);
  });

  it("signs with the key chosen by setSigningKey and stops publishing unpublished keys", async () => {
    const next = createSigningKey("rotated-key");
    issuer.publishKey(next);
    issuer.setSigningKey("rotated-key");

    const token = issuer.issueToken({ audience: "aud", version: "2.0", kind: "user", scopes: ["x"] });
    issuer.unpublishKey("rotated-key");
    const jwks = (await get(`/${TENANT}/discovery/v2.0/keys`)).json as { keys: Array<{ kid: string }> };

    expect(decode(token).header.kid).toBe("rotated-key");
    expect(jwks.keys.map((key) => key.kid)).not.toContain("rotated-key");
    expect(issuer.keys).toHaveLength(1);
  });

  it("fails the JWKS endpoint on demand while token endpoints keep working", async () => {
    issuer.setFault("status500");
    const failed = await get(`/${TENANT}/discovery/v2.0/keys`);
    issuer.setFault("garbage");
    const garbage = await get(`/${TENANT}/discovery/v2.0/keys`);
    const token = await clientCredentials();

    expect(failed.status).toBe(500);
    expect(garbage.status).toBe(200);
    expect(garbage.json).toBeUndefined();
    expect(token.status).toBe(200);
  });

  it("holds JWKS requests while hanging and answers them once the fault is cleared", async () => {
    issuer.setFault("hang");
    const before = issuer.jwksFetchCount;

    const held = get(`/${TENANT}/discovery/v2.0/keys`, 5000);
    const timedOut = await get(`/${TENANT}/discovery/v2.0/keys`, 300).then(
      () => "answered",
      (error: Error) => error.message,
    );
    issuer.setFault("none");
    const released = await held;

    expect(timedOut).toMatch(/timed out/);
    expect(released.status).toBe(200);
    expect(issuer.jwksFetchCount).toBe(before + 2);
  });

  it("closes promptly even with a hanging request", async () => {
    const hangingIssuer = await startEntraIssuer({ tls, tenantId: TENANT });
    hangingIssuer.setFault("hang");
    const pending = requestJson(`${hangingIssuer.jwksUri}`, { ca: tls.caCertPem, timeoutMs: 5000 }).catch(
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    await hangingIssuer.close();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
