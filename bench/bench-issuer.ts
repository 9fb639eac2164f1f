/**
 * The local Entra issuer every part of the benchmark verifies against, the authorizer environment the
 * Terraform module would set for it, and valid tokens minted in bulk.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEV_API_APP_ID, type EntraIssuer, startEntraIssuer } from "../local/entra-issuer.js";
import { authorizerEnvironment, DEFAULT_SETTINGS } from "../local/stack-settings.js";
import { createTlsMaterial, type TlsMaterial } from "../local/tls.js";

export const ROUTE_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/GET/auth";

export interface BenchIssuer {
  readonly issuer: EntraIssuer;
  readonly tls: TlsMaterial;
  /** The function's own variables: the module's ENTRA_* and AUTHZ_* plus the local CA. */
  readonly functionEnv: Record<string, string>;
}

export async function startBenchIssuer(dir: string): Promise<BenchIssuer> {
  const tls = await createTlsMaterial(join(dir, "tls"));
  const issuer = await startEntraIssuer({ tls, tenantId: DEFAULT_SETTINGS.tenantId });
  const functionEnv = {
    ...authorizerEnvironment(DEFAULT_SETTINGS, issuer.authorityHost),
    NODE_EXTRA_CA_CERTS: tls.caCertPath,
  };
  return { issuer, tls, functionEnv };
}

/** Distinct v2 user tokens (each has its own `uti` and `aio`), written with the public key for the floor. */
export async function writeTokenFile(issuer: EntraIssuer, count: number, path: string): Promise<string[]> {
  const tokens = Array.from({ length: count }, () =>
    issuer.issueToken({ kind: "user", version: "2.0", audience: DEV_API_APP_ID, scopes: ["access_as_user"] }),
  );
  if (new Set(tokens).size !== tokens.length) throw new Error("minted tokens are not distinct");
  const publicJwk = issuer.keys[0]?.publicJwk;
  await writeFile(path, JSON.stringify({ tokens, publicJwk, routeArn: ROUTE_ARN }));
  return tokens;
}
