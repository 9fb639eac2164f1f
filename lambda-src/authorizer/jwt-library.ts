import { createRequire } from "node:module";

/*
 * aws-jwt-verify is not bundled: it ships as a Lambda layer under /opt/nodejs/node_modules.
 * Lambda puts that folder on NODE_PATH, which require() honours and ESM `import` resolution ignores,
 * so the library is loaded through require() (its CommonJS build) to resolve the same way everywhere.
 */
const require = createRequire(import.meta.url);

export const { JwtVerifier } = require("aws-jwt-verify") as typeof import("aws-jwt-verify");
export const { SimpleJwksCache, isJwks } =
  require("aws-jwt-verify/jwk") as typeof import("aws-jwt-verify/jwk");
export const { SimpleFetcher } = require("aws-jwt-verify/https") as typeof import("aws-jwt-verify/https");
export const libraryErrors = require("aws-jwt-verify/error") as typeof import("aws-jwt-verify/error");

export type { Fetcher } from "aws-jwt-verify/https";
export type { Jwk, Jwks, JwksCache, JwkWithKid, PenaltyBox } from "aws-jwt-verify/jwk";
export type { JwtHeader, JwtPayload } from "aws-jwt-verify/jwt-model";
