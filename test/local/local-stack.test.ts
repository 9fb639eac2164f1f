/**
 * End to end: the real dist/ zips (authorizer, aws-jwt-verify layer, sample backend) behind the
 * local HTTP API, with tokens from the local Entra issuer.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST_ZIPS } from "../../local/lambda/dist-build.js";
import { createSigningKey, DEV_CLIENT_ID, signJwt } from "../../local/entra/entra-tokens.js";
import { type LocalStack, REPO_ROOT, startLocalStack } from "../../local/local-stack.js";

const run = promisify(execFile);

function requireDist(): void {
  const missing = DIST_ZIPS.filter((zip) => !existsSync(join(REPO_ROOT, "dist", zip)));
  if (missing.length > 0)
    throw new Error(`dist/${missing.join(", dist/")} missing: run \`npm run build\` first`);
}

async function call(stack: LocalStack, path: string, token?: string, method = "GET") {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as Record<string, unknown> & { caller?: Record<string, unknown> },
  };
}

/** Polls `condition` every 50 ms; false when it still does not hold after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The environment of the authorizer's running execution environment, read from /proc. */
async function readWorkerEnv(stack: LocalStack): Promise<Record<string, string>> {
  const pid = stack.authorizer.workerPid;
  if (pid === undefined) throw new Error("the authorizer has no running execution environment");
  const raw = await readFile(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

function claim(token: string, name: string): unknown {
  return (
    JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>
  )[name];
}

const READERS = { scopes: ["Orders.Read", "Orders.Write"], roles: ["Orders.Read", "Orders.Manage"] };

describe("local stack with the real dist/ zips (IAM responses, route rules)", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    requireDist();
    stack = await startLocalStack({
      settings: {
        routes: {
          "GET /auth": READERS,
          "GET /orders": READERS,
          "POST /orders": { scopes: ["Orders.Write"], roles: ["Orders.Manage"] },
          "GET /health": { authorization: "none" },
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("lets a valid user token through to the backend, which names the caller", async () => {
    const token = stack.token({ scopes: ["Orders.Read"], userName: "ada@contoso.example" });

    const response = await call(stack, "/auth", token);

    expect(response.status).toBe(200);
    expect(response.body.caller).toMatchObject({
      oid: claim(token, "oid"),
      tid: stack.settings.tenantId,
      scopes: ["Orders.Read"],
      tokenVersion: "2.0",
    });
  });

  it("answers 401 without a token and does not invoke the authorizer", async () => {
    const before = stack.authorizer.invocationCount;

    const response = await call(stack, "/auth");

    expect(response).toEqual({ status: 401, body: { message: "Unauthorized" } });
    expect(stack.authorizer.invocationCount).toBe(before);
  });

  it("answers 403 for a token signed by a key the tenant does not publish", async () => {
    const forged = signJwt(
      { ...JSON.parse(Buffer.from(stack.token().split(".")[1] ?? "", "base64url").toString()) },
      createSigningKey("not-published"),
    );

    expect(await call(stack, "/auth", forged)).toEqual({ status: 403, body: { message: "Forbidden" } });
    expect(await call(stack, "/auth", "not-a-jwt")).toEqual({ status: 403, body: { message: "Forbidden" } });
  });

  it("answers 403 for an expired token", async () => {
    const expired = stack.token({ scopes: ["Orders.Read"], lifetimeSeconds: -600 });

    expect((await call(stack, "/auth", expired)).status).toBe(403);
  });

  it("refuses a scope the route does not accept and admits one it does", async () => {
    const reader = stack.token({ scopes: ["Orders.Read"] });
    const writer = stack.token({ scopes: ["Orders.Write"] });

    expect((await call(stack, "/orders", reader, "POST")).status).toBe(403);
    expect((await call(stack, "/orders", reader, "GET")).status).toBe(200);
    expect((await call(stack, "/orders", writer, "POST")).status).toBe(200);
  });

  it("admits an app token by its role", async () => {
    const app = stack.token({ kind: "app", roles: ["Orders.Manage"] });

    const response = await call(stack, "/orders", app, "POST");

    expect(response.status).toBe(200);
    expect(response.body.caller).toMatchObject({ roles: ["Orders.Manage"], scopes: [] });
  });

  it("accepts v1 tokens, whose issuer is sts.windows.net", async () => {
    const v1 = stack.token({ version: "1.0", scopes: ["Orders.Read"] });

    const response = await call(stack, "/auth", v1);

    expect(claim(v1, "iss")).toBe(`https://sts.windows.net/${stack.settings.tenantId}/`);
    expect(response.status).toBe(200);
    expect(response.body.caller).toMatchObject({ tokenVersion: "1.0" });
  });

  it("serves a repeated token from the authorizer cache per route within the TTL", async () => {
    const token = stack.token({ scopes: ["Orders.Read"] });
    await call(stack, "/orders", token);
    const before = stack.authorizer.invocationCount;

    const again = await call(stack, "/orders", token);
    const otherRoute = await call(stack, "/auth", token);

    expect([again.status, otherRoute.status]).toEqual([200, 200]);
    expect(stack.api.identitySources).toEqual(["$request.header.Authorization", "$context.routeKey"]);
    expect(stack.authorizer.invocationCount).toBe(before + 1);
    expect(stack.api.requests.slice(-2).map((record) => record.authorizer)).toEqual(["hit", "miss"]);
  });

  it("answers a public route without a token and without the authorizer", async () => {
    const before = stack.authorizer.invocationCount;

    const response = await call(stack, "/health");

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ route: "GET /health", caller: null });
    expect(stack.authorizer.invocationCount).toBe(before);
  });

  it("gives the authorizer the module's environment and Lambda's log settings, no LOG_LEVEL", async () => {
    const env = await readWorkerEnv(stack);

    expect(env).toMatchObject({
      ENTRA_TENANT_ID: stack.settings.tenantId,
      ENTRA_CLOUD: "public",
      ENTRA_AUTHORITY_HOST: stack.issuer.authorityHost,
      AUTHZ_TOKEN_CACHE_SECONDS: "300",
      AWS_LAMBDA_LOG_FORMAT: "JSON",
      AWS_LAMBDA_LOG_LEVEL: "WARN",
    });
    expect(env).not.toHaveProperty("LOG_LEVEL");
  });

  it("passes `npm run smoke` with an MSAL client-credentials token", async () => {
    const { stdout } = await run(
      "npm",
      [
        "run",
        "-s",
        "smoke",
        "--",
        "--url",
        `${stack.url}/auth`,
        "--tenant",
        stack.settings.tenantId,
        "--client-id",
        stack.client.clientId,
        "--client-secret",
        stack.client.clientSecret,
        "--scope",
        stack.client.scope,
        "--authority-host",
        stack.issuer.authorityHost,
      ],
      // MSAL's HTTP client trusts what Node trusts: the local CA joins through the environment.
      { cwd: REPO_ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: stack.tls.caCertPath }, timeout: 30_000 },
    );

    expect(stdout).toMatch(/valid token\s+200\s+200\s+ok/);
    expect(stdout).toMatch(/tampered token \(payload changed\)\s+401 or 403\s+40[13]\s+ok/);
    expect(stdout).toContain("All checks passed.");
  });

  it("fails `npm run smoke` with exit code 1 when the client secret is wrong", async () => {
    const outcome = await run(
      "npm",
      [
        "run",
        "-s",
        "smoke",
        "--",
        "--url",
        `${stack.url}/auth`,
        "--tenant",
        stack.settings.tenantId,
        "--client-id",
        stack.client.clientId,
        "--client-secret",
        "wrong",
        "--scope",
        stack.client.scope,
        "--authority-host",
        stack.issuer.authorityHost,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: stack.tls.caCertPath }, timeout: 30_000 },
    ).then(
      () => ({ code: 0, stdout: "" }),
      (error: { code: number; stdout: string }) => error,
    );

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/get a token \(client credentials\)\s+token\s+error: .*7000215/);
  });
});

describe("local stack with the real dist/ zips (simple responses)", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    requireDist();
    stack = await startLocalStack({
      settings: {
        routes: {
          "GET /reports": { roles: ["Reports.Read"] },
          "DELETE /reports/{id}": { roles: ["Reports.Admin"] },
        },
        authorizerResponseMode: "simple",
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("caches per route, so one token gets each route's own answer", async () => {
    const token = stack.token({ kind: "app", roles: ["Reports.Read"] });

    const read = await call(stack, "/reports", token);
    const remove = await call(stack, "/reports/7", token, "DELETE");
    const readAgain = await call(stack, "/reports", token);

    expect([read.status, remove.status, readAgain.status]).toEqual([200, 403, 200]);
    expect(stack.api.identitySources).toEqual(["$request.header.Authorization", "$context.routeKey"]);
    expect(stack.authorizer.invocationCount).toBe(2);
  });
});

describe("local stack with the real dist/ zips (authorizer timeout)", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    requireDist();
    stack = await startLocalStack({ authorizerTimeoutMs: 1500 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("answers 500 when the JWKS endpoint hangs past the authorizer's timeout, then recovers", async () => {
    const token = stack.token();
    stack.issuer.setFault("hang");

    const hung = await call(stack, "/auth", token);
    // The hang may start in the authorizer's init (a key prefetch) or in its handler; either way the
    // function runs into its timeout while the keys stay unavailable, and Lambda discards it.
    const discarded = await waitFor(() => stack.authorizer.workerPid === undefined, 10_000);
    stack.issuer.setFault("none");
    const recovered = await call(stack, "/auth", token);

    expect(hung).toEqual({ status: 500, body: { message: "Internal Server Error" } });
    expect(stack.api.requests.at(-2)?.reason).toMatch(/timed out|wait limit/);
    expect(discarded).toBe(true);
    expect(recovered.status).toBe(200);
    // The second call was a new cold start.
    expect(stack.authorizer.coldStartCount).toBe(2);
  });
});

const OTHER_TENANT = "11111111-1111-4111-8111-111111111111";
const THIRD_TENANT = "33333333-3333-4333-8333-333333333333";
const PARTNER_CLIENT = "22222222-2222-4222-8222-222222222222";

// Needs the new authorizer: ENTRA_ALLOWED_TENANT_IDS, ENTRA_ALLOWED_CLIENT_IDS, and clients and CEL
// conditions in AUTHZ_ROUTE_PERMISSIONS (contract sections 1 and 2).
describe("local stack with the real dist/ zips (multi-tenant, client lists, conditions)", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    requireDist();
    stack = await startLocalStack({
      settings: {
        allowedTenantIds: [OTHER_TENANT],
        allowedClientIds: [DEV_CLIENT_ID, PARTNER_CLIENT],
        routes: {
          "GET /auth": {},
          "GET /partner": { clients: [PARTNER_CLIENT] },
          "GET /sales": { scopes: ["Sales.Read"], condition: 'claims.dept == "sales"' },
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("admits a token from an allowed second tenant and refuses one from any other tenant", async () => {
    const guest = stack.token({ tenantId: OTHER_TENANT });
    const stranger = stack.token({ tenantId: THIRD_TENANT });

    expect(claim(guest, "iss")).toBe(`${stack.issuer.baseUrl}/${OTHER_TENANT}/v2.0`);
    expect((await call(stack, "/auth", guest)).status).toBe(200);
    expect((await call(stack, "/auth", stranger)).status).toBe(403);
  });

  it("refuses a client outside allowed_client_ids, and one outside the route's clients", async () => {
    const unknownClient = stack.token({ clientId: "44444444-4444-4444-8444-444444444444" });
    const devClient = stack.token();
    const partner = stack.token({ clientId: PARTNER_CLIENT });

    expect((await call(stack, "/auth", unknownClient)).status).toBe(403);
    expect((await call(stack, "/partner", devClient)).status).toBe(403);
    expect((await call(stack, "/partner", partner)).status).toBe(200);
  });

  it("checks a route's condition against the token's claims", async () => {
    const sales = stack.token({ scopes: ["Sales.Read"], extraClaims: { dept: "sales" } });
    const hr = stack.token({ scopes: ["Sales.Read"], extraClaims: { dept: "hr" } });

    expect((await call(stack, "/sales", sales)).status).toBe(200);
    expect((await call(stack, "/sales", hr)).status).toBe(403);
  });
});
