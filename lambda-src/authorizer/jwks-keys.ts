import { JwksUnavailableError } from "./errors.js";
import { type Jwk, isJwks, type Jwks, type JwkWithKid } from "./jwt-library.js";
import { claimText } from "./refusal.js";

/** RSA keys shorter than this are not trusted; Entra's are 2048 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * FIPS 186-5, §A.1.1: "The public verification exponent e shall be selected with the following
 * constraints: … e shall be an odd positive integer such that 2^16 < e < 2^256." With e = 1 a signature
 * is its own message, so anyone can forge one; Entra's keys use 65537 (AQAB).
 */
const MIN_RSA_EXPONENT = 2n ** 16n + 1n;
const MAX_RSA_EXPONENT = 2n ** 256n - 1n;

/** A served key that is not trusted, and why. Key IDs are public: both are safe to log. */
export interface RejectedKey {
  readonly kid: string;
  readonly problem: string;
}

export interface ServedKeys {
  /** RSA signing keys with a kid, a modulus of at least 2048 bits and a safe exponent, in served order. */
  readonly keys: readonly JwkWithKid[];
  readonly rejected: readonly RejectedKey[];
}

/** Parses a JWKS response with the library's JWKS check, and sorts its keys into trusted and rejected. */
export function parseEntraJwks(body: ArrayBuffer): ServedKeys {
  const jwks = JSON.parse(new TextDecoder().decode(body)) as unknown;
  if (!isJwks(jwks as Parameters<typeof isJwks>[0])) {
    throw new JwksUnavailableError("response is not a JWKS");
  }
  return sortKeys(jwks as Jwks);
}

/** The same sorting for a key set given by hand (JwksCache.addJwks). */
export function sortKeys(jwks: Jwks): ServedKeys {
  const keys: JwkWithKid[] = [];
  const rejected: RejectedKey[] = [];
  for (const key of jwks.keys) {
    const problem = untrustedBecause(key);
    if (problem === undefined) {
      keys.push(key as JwkWithKid);
    } else {
      rejected.push({ kid: claimText(key.kid), problem });
    }
  }
  return { keys, rejected };
}

/** Why a key may not verify tokens, or undefined when it may. Only RS256 is Entra's. */
export function untrustedBecause(key: Jwk): string | undefined {
  if (key.kty !== "RSA") {
    return `key type ${claimText(key.kty)} is not RSA`;
  }
  if (typeof key.kid !== "string" || key.kid === "") {
    return "no kid";
  }
  const bits = modulusBits(key.n);
  if (bits < MIN_RSA_MODULUS_BITS) {
    return `modulus of ${bits} bits, under ${MIN_RSA_MODULUS_BITS}`;
  }
  const exponent = unsignedInteger(key.e);
  if (exponent % 2n === 0n || exponent < MIN_RSA_EXPONENT || exponent > MAX_RSA_EXPONENT) {
    return `exponent ${claimText(key.e)} is not an odd number from 65537 to 2^256 - 1`;
  }
  return undefined;
}

/** Bit length of a base64url big-endian modulus, leading zero bytes not counted. */
export function modulusBits(n: unknown): number {
  const value = unsignedInteger(n);
  return value === 0n ? 0 : value.toString(2).length;
}

/** A base64url big-endian unsigned integer; 0 for anything that is not a string. */
function unsignedInteger(encoded: unknown): bigint {
  if (typeof encoded !== "string") {
    return 0n;
  }
  const hex = Buffer.from(encoded, "base64url").toString("hex");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}
