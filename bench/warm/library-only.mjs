/**
 * aws-jwt-verify alone, configured as the built authorizer configures it (both issuers, the audiences,
 * 60 s grace), keys fetched once, tokens checked with verifySync: what the library costs before the
 * authorizer adds its Entra rules, claims mapping, IAM policy and decision log line.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { config } from "./authorizer-common.mjs";

const { JwtVerifier } = createRequire(join(process.cwd(), "index.mjs"))("aws-jwt-verify");

export async function createLibraryVerifier() {
  const verifier = JwtVerifier.create(
    config.issuers.map((issuer) => ({
      issuer,
      audience: config.audiences,
      jwksUri: config.jwksUri,
      graceSeconds: 60,
    })),
  );
  await verifier.hydrate();
  return (token) => verifier.verifySync(token);
}
