/**
 * The least any RS256 verifier must do per token, with the key already a KeyObject: decode and parse
 * header and payload, and check the signature. No claim checks, no decision, no log line.
 */
import { verify } from "node:crypto";

export function verifyFloor(token, key) {
  const [header, payload, signature] = token.split(".");
  const parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  const parsedPayload = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, "base64url"),
  );
  if (!valid || parsedHeader.alg !== "RS256") throw new Error("invalid token");
  return parsedPayload;
}
