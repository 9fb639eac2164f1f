/**
 * The pattern of the walkthrough this module replaces: a JwtVerifier created inside the handler, so
 * its JWKS cache lives for one request and every request fetches the keys again. The library comes
 * from the layer through NODE_PATH, as in the built authorizer.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { bearerToken, config, respond } from "./authorizer-common.mjs";

// Resolved from the task root, so NODE_PATH (the layer) answers, not the repository's node_modules.
const { JwtVerifier } = createRequire(join(process.cwd(), "index.mjs"))("aws-jwt-verify");

export async function handler(event) {
  const started = performance.now();
  const verifier = JwtVerifier.create(
    config.issuers.map((issuer) => ({ issuer, audience: config.audiences, jwksUri: config.jwksUri })),
  );
  let payload;
  try {
    payload = await verifier.verify(bearerToken(event) ?? "");
  } catch {
    payload = undefined;
  }
  return respond(event, payload, started);
}
