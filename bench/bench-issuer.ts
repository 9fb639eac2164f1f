/**
 * The local Entra issuer every part of the benchmark verifies against, the authorizer environment the
 * Terraform module (and Lambda's logging_config) would set for each configuration measured, and valid
 * tokens minted in bulk.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEV_API_APP_ID, type EntraIssuer, startEntraIssuer } from "../local/entra/entra-issuer.js";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  type LocalStackSettingsInput,
  lambdaLogging,
  validateSettings,
} from "../local/stack-settings.js";
import { createTlsMaterial, type TlsMaterial } from "../local/entra/tls.js";

export const ROUTE_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/GET/auth";
/** The scope every bench token carries; route rules below require it. */
export const BENCH_SCOPE = "access_as_user";
/**
 * A claim condition that holds for the bench tokens (delegated v2 user tokens): only user tokens (app
 * tokens carry `idtyp: "app"`) of version 2.0. Two terms, so the cost is that of a typical condition.
 */
export const BENCH_CONDITION = 'has(claims.idtyp) == false && claims.ver == "2.0"';

/**
 * The configurations measured, as overrides of the module's defaults in the local stack's settings
 * shape (Terraform variable meanings). `default` is the module with nothing set: WARN, token cache on.
 */
export const CONFIGURATIONS = {
  default: {},
  info: { applicationLogLevel: "INFO" },
  noTokenCache: { verifiedTokenCacheSeconds: 0 },
  routeRule: { routes: { "GET /auth": { scopes: [BENCH_SCOPE] } } },
  condition: { routes: { "GET /auth": { scopes: [BENCH_SCOPE], condition: BENCH_CONDITION } } },
} as const satisfies Record<string, LocalStackSettingsInput>;

export type ConfigurationName = keyof typeof CONFIGURATIONS;

export interface BenchIssuer {
  readonly issuer: EntraIssuer;
  readonly tls: TlsMaterial;
  /** The function's own variables for a configuration: the module's ENTRA_* and AUTHZ_*, Lambda's logging ones, the local CA. */
  functionEnv(configuration: ConfigurationName): Record<string, string>;
}

export async function startBenchIssuer(dir: string): Promise<BenchIssuer> {
  const tls = await createTlsMaterial(join(dir, "tls"));
  const issuer = await startEntraIssuer({ tls, tenantId: DEFAULT_SETTINGS.tenantId });
  const functionEnv = (configuration: ConfigurationName) => {
    const settings = validateSettings({ ...DEFAULT_SETTINGS, ...CONFIGURATIONS[configuration] });
    const logging = lambdaLogging(settings);
    return {
      ...authorizerEnvironment(settings, issuer.authorityHost),
      // What Lambda sets from logging_config with the JSON log format, as the local sandbox does.
      AWS_LAMBDA_LOG_FORMAT: logging.format,
      AWS_LAMBDA_LOG_LEVEL: logging.applicationLogLevel,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
    };
  };
  return { issuer, tls, functionEnv };
}

/** Changes that turn the environment `from` into `to`: a value to set, or null to remove. */
export function environmentChanges(
  from: Record<string, string>,
  to: Record<string, string>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(to)) if (from[key] !== value) changes[key] = value;
  for (const key of Object.keys(from)) if (!(key in to)) changes[key] = null;
  return changes;
}

/** Tokens the authorizer refuses, one per refusal reason whose log line the cost model needs. */
export type RefusalSamples = Record<string, string>;

export interface TokenFile {
  /** Distinct valid v2 user tokens. */
  tokens: string[];
  publicJwk: unknown;
  routeArn: string;
  /** Reason code → a token refused with that reason under the default configuration. */
  refusals: RefusalSamples;
}

/** Distinct v2 user tokens (each has its own `uti` and `aio`). Signing is most of the time: ~0.5 ms each. */
export function mintTokens(issuer: EntraIssuer, count: number): string[] {
  const tokens = Array.from({ length: count }, () => validToken(issuer));
  if (new Set(tokens).size !== tokens.length) throw new Error("minted tokens are not distinct");
  return tokens;
}

/** Writes tokens, the public key for the floor, and refusal samples for the log-line sizes. */
export async function writeTokenFile(issuer: EntraIssuer, tokens: string[], path: string): Promise<void> {
  const publicJwk = issuer.keys[0]?.publicJwk;
  const file: TokenFile = { tokens, publicJwk, routeArn: ROUTE_ARN, refusals: refusalSamples(issuer) };
  await writeFile(path, JSON.stringify(file));
}

function validToken(issuer: EntraIssuer): string {
  return issuer.issueToken({ kind: "user", version: "2.0", audience: DEV_API_APP_ID, scopes: [BENCH_SCOPE] });
}

/**
 * The refusals a deployment sees most: a client still sending a token after it expired, a token for
 * another API, a token without any scope or role, and a forged or corrupted signature.
 */
function refusalSamples(issuer: EntraIssuer): RefusalSamples {
  const twoHoursAgo = Math.floor(Date.now() / 1000) - 2 * 60 * 60;
  const valid = validToken(issuer);
  const signature = valid.slice(valid.lastIndexOf(".") + 1);
  // Swap two different characters in the middle of the signature: still canonical base64url, no longer valid.
  let at = Math.floor(signature.length / 2);
  while (signature[at] === signature[at + 1]) at += 1;
  const swapped = `${signature.slice(0, at)}${signature[at + 1]}${signature[at]}${signature.slice(at + 2)}`;
  return {
    TOKEN_EXPIRED: issuer.issueToken({
      kind: "user",
      version: "2.0",
      audience: DEV_API_APP_ID,
      scopes: [BENCH_SCOPE],
      now: twoHoursAgo,
    }),
    INVALID_AUDIENCE: issuer.issueToken({
      kind: "user",
      version: "2.0",
      audience: "00000000-0000-4000-8000-0000000ba5e0",
      scopes: [BENCH_SCOPE],
    }),
    NO_SCOPES_OR_ROLES: issuer.issueToken({ kind: "user", version: "2.0", audience: DEV_API_APP_ID }),
    INVALID_SIGNATURE: `${valid.slice(0, valid.lastIndexOf(".") + 1)}${swapped}`,
  };
}
