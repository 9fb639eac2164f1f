import { describe, expect, it } from "vitest";
import {
  isCanonicalBase64url,
  MAX_TOKEN_LENGTH,
  readBearerToken,
} from "../../lambda-src/authorizer/bearer-token.js";
import { signJwt } from "../../local/entra/entra-tokens.js";
import { SIGNING_KEY } from "../support/in-process.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** A part of every character class the grammar allows (upper, lower, digit, `_`, `-`), 8 characters: canonical. */
const EVERY_CLASS = "Az09_-Zb";

function reasonOf(header: string | undefined): string {
  const result = readBearerToken(header);
  return typeof result === "string" ? "accepted" : result.reason;
}

/** A real RS256 token whose header and payload lengths, modulo 4, are the ones asked for. */
function tokenWithPartLengths(headerRemainder: number, payloadRemainder: number): string {
  for (let headerFill = 0; headerFill < 8; headerFill += 1) {
    for (let payloadFill = 0; payloadFill < 8; payloadFill += 1) {
      const token = signJwt({ sub: "user", pad: "x".repeat(payloadFill) }, SIGNING_KEY, {
        pad: "y".repeat(headerFill),
      });
      const [header = "", payload = ""] = token.split(".");
      if (header.length % 4 === headerRemainder && payload.length % 4 === payloadRemainder) {
        return token;
      }
    }
  }
  throw new Error("no token of those part lengths");
}

/** Every spelling of `part` that decodes to the same bytes: the last character with each value of its unused bits. */
function spellings(part: string): string[] {
  const unusedBits = part.length % 4 === 2 ? 4 : 2;
  const last = ALPHABET.indexOf(part.charAt(part.length - 1));
  const base = last & ~((1 << unusedBits) - 1);
  return Array.from({ length: 1 << unusedBits }, (_, low) => part.slice(0, -1) + ALPHABET.charAt(base | low));
}

function replacePart(token: string, index: number, part: string): string {
  const parts = token.split(".");
  parts[index] = part;
  return parts.join(".");
}

describe("readBearerToken", () => {
  it("returns the JWT of a Bearer header, whatever the scheme's case and the number of spaces", () => {
    const token = signJwt({ sub: "user" }, SIGNING_KEY);

    expect(readBearerToken(`Bearer ${token}`)).toBe(token);
    expect(readBearerToken(`bearer ${token}`)).toBe(token);
    expect(readBearerToken(`BEARER   ${token}`)).toBe(token);
  });

  it("accepts every character of the base64url alphabet in each of the three parts", () => {
    const token = `${EVERY_CLASS}.${EVERY_CLASS}.${EVERY_CLASS}`;

    expect(readBearerToken(`Bearer ${token}`)).toBe(token);
  });

  it("accepts an empty signature part, leaving an unsigned token to the verifier's algorithm check", () => {
    expect(readBearerToken("Bearer abcd.efgh.")).toBe("abcd.efgh.");
  });

  it.each([
    [undefined, "MISSING_TOKEN"],
    ["", "MISSING_TOKEN"],
    ["   ", "MISSING_TOKEN"],
  ])("refuses an absent or blank header (%j) as a missing token", (header, reason) => {
    const result = readBearerToken(header);

    expect(result).toEqual({ reason, detail: "no Authorization header" });
  });

  it.each([
    ["abcd.efgh.ijkl", "no scheme"],
    ["Basic abcd.efgh.ijkl", "another scheme"],
    ["Bearer", "a scheme without a token"],
    ["Bearer ", "a scheme and a space"],
    ["Bearerabcd.efgh.ijkl", "no space after the scheme"],
    ["Bearer\tabcd.efgh.ijkl", "a tab instead of a space"],
    [" Bearer abcd.efgh.ijkl", "a leading space"],
    ["xBearer abcd.efgh.ijkl", "a prefix before the scheme"],
    ["Bearer abcd.efgh.ijkl ", "a trailing space"],
    ["Bearer abcd.efgh.ijkl\n", "a trailing newline"],
    ["Bearer abcd.efgh.ijkl, Bearer abcd.efgh.ijkl", "two credentials"],
    ["Bearer abcd.efgh.ijkl abcd.efgh.ijkl", "two tokens"],
    ["Bearer abcd.efgh", "two parts"],
    ["Bearer abcd.efgh.ijkl.mnop", "four parts"],
    ["Bearer abcd.efgh.ijkl.mnop.qrst", "five parts (a JWE)"],
    ["Bearer .efgh.ijkl", "an empty header part"],
    ["Bearer abcd..ijkl", "an empty payload part"],
    ["Bearer ab+d.efgh.ijkl", "standard base64 `+` in the header"],
    ["Bearer abcd.ef/h.ijkl", "standard base64 `/` in the payload"],
    ["Bearer abcd.efgh.ij==", "padding in the signature"],
    ["Bearer abcd.efgh.ij%l", "a character outside the alphabet in the signature"],
    ["Bearer abcd.efgh.ijk\u00e9", "a non-ASCII letter"],
  ])("refuses %j (%s) as a malformed Authorization header", (header) => {
    const result = readBearerToken(header);

    expect(result).toEqual({ reason: "MALFORMED_AUTHORIZATION_HEADER", detail: "not `Bearer <one JWT>`" });
  });

  it("refuses a header of exactly 16 KB of token plus `Bearer ` only when it is one character longer", () => {
    // Four-character header and signature parts; the payload fills the rest, ending in a canonical `A`.
    const payloadLength = MAX_TOKEN_LENGTH - "abcd..abcd".length;
    const token = `abcd.${"a".repeat(payloadLength - 1)}A.abcd`;
    const atLimit = `Bearer ${token}`;
    const overLimit = `Bearer  ${token}`;

    expect(MAX_TOKEN_LENGTH).toBe(16_384);
    expect(token).toHaveLength(MAX_TOKEN_LENGTH);
    expect(readBearerToken(atLimit)).toBe(token);
    expect(readBearerToken(overLimit)).toEqual({
      reason: "TOKEN_TOO_LARGE",
      detail: `${MAX_TOKEN_LENGTH + "Bearer  ".length} characters`,
    });
  });

  it("refuses an oversized header before looking at its content", () => {
    const junk = " ".repeat(MAX_TOKEN_LENGTH + 8) + "x";

    expect(reasonOf(junk)).toBe("TOKEN_TOO_LARGE");
  });

  it("refuses a part whose length cannot encode whole bytes (4n+1 characters)", () => {
    const result = readBearerToken("Bearer abcde.efgh.ijkl");

    expect(result).toEqual({ reason: "MALFORMED_TOKEN", detail: "a part is not canonical base64url" });
  });

  it("accepts only the canonical one of the 16 spellings of a real RS256 signature", () => {
    const token = signJwt({ sub: "user" }, SIGNING_KEY);
    const signature = token.split(".")[2] ?? "";
    const variants = spellings(signature);

    const reasons = variants.map((variant) => reasonOf(`Bearer ${replacePart(token, 2, variant)}`));

    expect(signature).toHaveLength(342);
    expect(variants).toHaveLength(16);
    expect(
      new Set(variants.map((variant) => Buffer.from(variant, "base64url").toString("hex"))),
    ).toHaveProperty("size", 1);
    expect(reasons.filter((reason) => reason === "accepted")).toHaveLength(1);
    expect(reasons[variants.indexOf(signature)]).toBe("accepted");
    expect(reasons.filter((reason) => reason === "MALFORMED_TOKEN")).toHaveLength(15);
  });

  it.each([
    [0, 2, 16],
    [0, 3, 4],
    [1, 2, 16],
    [1, 3, 4],
  ])(
    "accepts only the canonical spelling of header or payload part %i when its length is 4n+%i",
    (index, remainder, count) => {
      const token = index === 0 ? tokenWithPartLengths(remainder, 0) : tokenWithPartLengths(0, remainder);
      const part = token.split(".")[index] ?? "";
      const variants = spellings(part);

      const accepted = variants.filter(
        (variant) => reasonOf(`Bearer ${replacePart(token, index, variant)}`) === "accepted",
      );

      expect(part.length % 4).toBe(remainder);
      expect(variants).toHaveLength(count);
      expect(
        new Set(variants.map((variant) => Buffer.from(variant, "base64url").toString("hex"))),
      ).toHaveProperty("size", 1);
      expect(accepted).toEqual([part]);
    },
  );
});

describe("isCanonicalBase64url", () => {
  it.each([
    ["", true, "no characters"],
    ["abcd", true, "whole groups of four"],
    ["_-_-", true, "whole groups of four, any last character"],
    ["a", false, "4n+1 characters"],
    ["abcde", false, "4n+1 characters"],
    ["A", false, "4n+1 characters, all bits zero"],
    ["AAAAA", false, "4n+1 characters, all bits zero"],
    ["AA", true, "two characters, last one A (index 0)"],
    ["AQ", true, "two characters, last one Q (index 16, low four bits zero)"],
    ["Aw", true, "two characters, last one w (index 48)"],
    ["AB", false, "two characters, low bit set"],
    ["AI", false, "two characters, bit 3 set"],
    ["A_", false, "two characters, every bit set"],
    ["AAA", true, "three characters, last one A"],
    ["AAE", true, "three characters, last one E (index 4, low two bits zero)"],
    ["AAB", false, "three characters, low bit set"],
    ["AAC", false, "three characters, bit 1 set"],
    ["AA=", false, "a character outside the alphabet"],
    ["A=", false, "a character outside the alphabet"],
  ])("reads %j as %s (%s)", (part, canonical) => {
    expect(isCanonicalBase64url(part)).toBe(canonical);
  });
});
