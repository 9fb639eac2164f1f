/**
 * The same authorizer written with jose, the usual alternative: one remote JWKS set per container
 * (fetched on first use, then cached), and jwtVerify with the module's issuer, audience and RS256 rules.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import { bearerToken, config, respond } from "./authorizer-common.mjs";

const jwks = createRemoteJWKSet(new URL(config.jwksUri));

export async function handler(event) {
  const started = performance.now();
  let payload;
  try {
    ({ payload } = await jwtVerify(bearerToken(event) ?? "", jwks, {
      issuer: config.issuers,
      audience: config.audiences,
      algorithms: ["RS256"],
      requiredClaims: ["exp"],
      clockTolerance: 60,
    }));
  } catch {
    payload = undefined;
  }
  return respond(event, payload, started);
}
