/**
 * Runs the built authorizer (dist/authorizer.zip + dist/jwt-verify-layer.zip) as Lambda would, in a
 * child process, against a local Entra-compatible issuer on https://127.0.0.1 with a throwaway CA.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type EntraIssuer, startEntraIssuer } from "../../local/entra/entra-issuer.js";
import { entraClaims, type SigningKey, signJwt } from "../../local/entra/entra-tokens.js";
import { type InvokeResult, LambdaSandbox } from "../../local/lambda/lambda-sandbox.js";
import { createTlsMaterial, type TlsMaterial } from "../../local/entra/tls.js";
import { evaluatePolicy, type PolicyLike } from "../support/iam-policy.js";
import { event, STAGE_ARN } from "../support/in-process.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const TENANT = "3c9f2a51-7e4d-4b8a-9f10-2d6e8c4b1a73";
export const OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
export const APP_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
export { STAGE_ARN };

export interface Harness {
  readonly issuer: EntraIssuer;
  readonly tls: TlsMaterial;
  /** A new cold execution environment of the built authorizer, with extra environment variables. */
  authorizer(
    env?: Record<string, string | undefined>,
    options?: { timeoutMs?: number },
  ): Promise<LambdaSandbox>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), "authorizer-it-"));
  const tls = await createTlsMaterial(dir);
  const issuer = await startEntraIssuer({ tls, tenantId: TENANT });
  const sandboxes: LambdaSandbox[] = [];
  return {
    issuer,
    tls,
    async authorizer(env = {}, options = {}) {
      const baseEnv: Record<string, string | undefined> = {
        ENTRA_TENANT_ID: TENANT,
        ENTRA_AUDIENCE: `api://${APP_ID}`,
        ENTRA_AUTHORITY_HOST: issuer.authorityHost,
        NODE_EXTRA_CA_CERTS: tls.caCertPath,
        // Lambda sets this from logging_config; INFO makes the allow lines these tests read visible.
        AWS_LAMBDA_LOG_LEVEL: "INFO",
        ...env,
      };
      const sandbox = await LambdaSandbox.start({
        zipPath: path.join(ROOT, "dist/authorizer.zip"),
        layerZipPaths: [path.join(ROOT, "dist/jwt-verify-layer.zip")],
        env: Object.fromEntries(
          Object.entries(baseEnv).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        name: "entra-authorizer",
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      sandboxes.push(sandbox);
      return sandbox;
    },
    async close() {
      await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
      await issuer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTP API payload 2.0 REQUEST authorizer event, as API Gateway sends it (the in-process tests' own). */
export const requestEvent = event;

export interface DecisionLog {
  decision: "allow" | "deny";
  reason: string;
  detail?: string;
  route?: string;
  principal?: string;
  tid?: string;
  clientId?: string;
  latencyMs: number;
}

/** The one structured decision line an invocation must print. */
export function decisionOf(result: InvokeResult): DecisionLog {
  const lines = result.logs
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === "authorization decision");
  if (lines.length !== 1) {
    throw new Error(`expected one decision line, got ${lines.length}: ${result.logs.join("\n")}`);
  }
  return lines[0] as unknown as DecisionLog;
}

/** What API Gateway concludes from the authorizer's IAM policy for one resource. */
export function effectFor(result: InvokeResult, resource: string): "Allow" | "Deny" {
  const policy = (result.result as { policyDocument?: PolicyLike } | undefined)?.policyDocument;
  if (policy === undefined) {
    throw new Error(`no policy in ${JSON.stringify(result)}`);
  }
  return evaluatePolicy(policy, resource);
}

/** Entra-shaped v2 claims for this harness's tenant and API, signed with any key (default: the issuer's) and header. */
export function forgeToken(
  issuer: EntraIssuer,
  options: {
    key?: SigningKey;
    claims?: Partial<Parameters<typeof entraClaims>[0]>;
    extra?: Record<string, unknown>;
    header?: Record<string, unknown>;
  } = {},
): string {
  const payload = entraClaims({
    tenantId: TENANT,
    audience: APP_ID,
    version: "2.0",
    kind: "user",
    scopes: ["api.read"],
    authorityHost: issuer.authorityHost,
    ...options.claims,
  });
  const key = options.key ?? issuer.keys[0];
  if (key === undefined) {
    throw new Error("the issuer publishes no key");
  }
  return signJwt({ ...payload, ...options.extra }, key, options.header);
}
