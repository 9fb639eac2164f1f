import { describe, expect, it } from "vitest";
import { JwksUnavailableError } from "../../lambda-src/authorizer/errors.js";
import {
  MIN_RSA_MODULUS_BITS,
  modulusBits,
  parseEntraJwks,
  untrustedBecause,
} from "../../lambda-src/authorizer/jwks-keys.js";
import { SIGNING_KEY } from "../support/in-process.js";

const N_2048 = SIGNING_KEY.publicJwk.n;
const MODULUS = Buffer.from(N_2048, "base64url");
/** The same length with the top bit cleared: 2047 bits. */
const N_2047 = Buffer.concat([
  Buffer.from([((MODULUS[0] ?? 0xff) & 0x3f) | 0x40]),
  MODULUS.subarray(1),
]).toString("base64url");

type FakeKey = Record<string, unknown>;

function rsaKey(kid: string, extra: FakeKey = {}): FakeKey {
  return { kty: "RSA", use: "sig", kid, n: N_2048, e: "AQAB", ...extra };
}

function body(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer;
}

/** A big-endian integer as base64url, as a JWK writes e. */
function exponent(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex").toString("base64url");
}

describe("parseEntraJwks", () => {
  it("trusts RSA keys of 2048 bits and more, and rejects shorter RSA keys and keys of other types, saying why", () => {
    const longer = Buffer.concat([Buffer.from([0x01]), MODULUS]).toString("base64url");
    const jwks = {
      keys: [
        rsaKey("rsa-2048"),
        rsaKey("rsa-2047", { n: N_2047 }),
        rsaKey("rsa-2049", { n: longer }),
        rsaKey("rsa-1024", { n: MODULUS.subarray(0, 128).toString("base64url") }),
        { kty: "EC", use: "sig", kid: "ec", crv: "P-256", x: "AAAA", y: "AAAA" },
        { kty: "EC", use: "sig", kid: "ec-with-n", crv: "P-256", x: "AAAA", y: "AAAA", n: N_2048 },
        { kty: "oct", kid: "secret", k: "c2VjcmV0" },
        { kty: "RSA", use: "sig", kid: "rsa-no-n", e: "AQAB" },
        { kty: "RSA", use: "sig", n: N_2048, e: "AQAB" },
      ],
    };

    const parsed = parseEntraJwks(body(JSON.stringify(jwks)));

    expect(parsed.keys.map((key) => key.kid)).toEqual(["rsa-2048", "rsa-2049"]);
    expect(parsed.rejected).toEqual([
      { kid: "rsa-2047", problem: "modulus of 2047 bits, under 2048" },
      { kid: "rsa-1024", problem: "modulus of 1024 bits, under 2048" },
      { kid: "ec", problem: "key type EC is not RSA" },
      { kid: "ec-with-n", problem: "key type EC is not RSA" },
      { kid: "secret", problem: "key type oct is not RSA" },
      { kid: "rsa-no-n", problem: "modulus of 0 bits, under 2048" },
      { kid: "undefined", problem: "no kid" },
    ]);
  });

  it("counts a modulus with leading zero bytes by its value", () => {
    const padded = Buffer.concat([Buffer.from([0, 0]), MODULUS]).toString("base64url");
    const paddedShort = Buffer.concat([Buffer.from([0]), Buffer.from(N_2047, "base64url")]).toString(
      "base64url",
    );

    const parsed = parseEntraJwks(
      body(JSON.stringify({ keys: [rsaKey("padded", { n: padded }), rsaKey("short", { n: paddedShort })] })),
    );

    expect(parsed.keys.map((key) => key.kid)).toEqual(["padded"]);
  });

  it.each([["{}"], ['{"keys":[{"kid":"no kty"}]}'], ["[]"], ["null"]])("refuses %s as not a JWKS", (text) => {
    expect(() => parseEntraJwks(body(text))).toThrow(new JwksUnavailableError("response is not a JWKS"));
  });

  it("lets the JSON parser's error through for a body that is not JSON", () => {
    expect(() => parseEntraJwks(body("not json"))).toThrow(SyntaxError);
  });
});

describe("untrustedBecause", () => {
  it.each([
    ["65537 (AQAB)", "AQAB"],
    ["65537 with a leading zero byte", "AAEAAQ"],
    ["2^16 + 3", exponent(2n ** 16n + 3n)],
    ["2^256 - 1", exponent(2n ** 256n - 1n)],
  ])("trusts an exponent of %s", (_, e) => {
    expect(untrustedBecause(rsaKey("k", { e }) as never)).toBeUndefined();
  });

  it.each([
    ["1, which makes every signature forgeable", "AQ"],
    ["3, below 2^16", "Aw"],
    ["2^16 - 1", exponent(2n ** 16n - 1n)],
    ["2^16, even", exponent(2n ** 16n)],
    ["65538, even", exponent(65538n)],
    ["2^256 + 1, too large", exponent(2n ** 256n + 1n)],
    ["0", "AA"],
    ["empty", ""],
  ])("rejects an exponent of %s", (_, e) => {
    expect(untrustedBecause(rsaKey("k", { e }) as never)).toBe(
      `exponent ${e} is not an odd number from 65537 to 2^256 - 1`,
    );
  });

  it("rejects a key whose exponent is not a string", () => {
    expect(untrustedBecause(rsaKey("k", { e: 65537 }) as never)).toBe(
      "exponent 65537 is not an odd number from 65537 to 2^256 - 1",
    );
  });

  it("rejects an empty kid", () => {
    expect(untrustedBecause(rsaKey("") as never)).toBe("no kid");
  });

  it("keeps the 2048-bit floor", () => {
    expect(MIN_RSA_MODULUS_BITS).toBe(2048);
  });
});

describe("modulusBits", () => {
  it.each([
    ["the 2048-bit test key", N_2048, 2048],
    ["the same with the top bit cleared", N_2047, 2047],
    ["AQAB (65537)", "AQAB", 17],
    ["one byte 0x01", Buffer.from([0x01]).toString("base64url"), 1],
    ["one byte 0xff", Buffer.from([0xff]).toString("base64url"), 8],
    ["0x0100", Buffer.from([0x01, 0x00]).toString("base64url"), 9],
    ["0x00 0x80 0x00", Buffer.from([0x00, 0x80, 0x00]).toString("base64url"), 16],
    ["0x00 0x00 0x01 0x00", Buffer.from([0x00, 0x00, 0x01, 0x00]).toString("base64url"), 9],
    ["only zero bytes", Buffer.from([0, 0, 0]).toString("base64url"), 0],
    ["an empty string", "", 0],
  ])("counts %s as %i bits", (_, n, bits) => {
    expect(modulusBits(n)).toBe(bits);
  });

  it.each([[undefined], [null], [2048], [["AQAB"]]])("counts %j, which is not a string, as 0 bits", (n) => {
    expect(modulusBits(n)).toBe(0);
  });
});
