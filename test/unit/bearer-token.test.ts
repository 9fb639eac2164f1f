import { describe, expect, it } from "vitest";
import { findHeader, MAX_TOKEN_LENGTH, readBearerToken } from "../../lambda-src/authorizer/bearer-token.js";
import type { AuthorizerError } from "../../lambda-src/authorizer/errors.js";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

function reasonFor(header: string | undefined): string {
  try {
    readBearerToken(header);
    return "accepted";
  } catch (error) {
    return (error as AuthorizerError).reason;
  }
}

describe("readBearerToken", () => {
  it("returns the JWT of a Bearer header, whatever the scheme's case", () => {
    expect(readBearerToken(`Bearer ${JWT}`)).toBe(JWT);
    expect(readBearerToken(`bearer ${JWT}`)).toBe(JWT);
    expect(readBearerToken(`BEARER  ${JWT}`)).toBe(JWT);
  });

  it.each([
    [undefined, "MISSING_TOKEN"],
    ["   ", "MISSING_TOKEN"],
    [JWT, "MALFORMED_AUTHORIZATION_HEADER"],
    [`Basic ${JWT}`, "MALFORMED_AUTHORIZATION_HEADER"],
    [`Bearer ${JWT}, Bearer ${JWT}`, "MALFORMED_AUTHORIZATION_HEADER"],
    [`Bearer ${JWT} ${JWT}`, "MALFORMED_AUTHORIZATION_HEADER"],
    [`Bearer ${JWT}.extra.parts`, "MALFORMED_AUTHORIZATION_HEADER"],
    [`Bearer ${JWT} `, "MALFORMED_AUTHORIZATION_HEADER"],
    ["Bearer a+b.c/d.e=", "MALFORMED_AUTHORIZATION_HEADER"],
  ])("refuses %j with %s", (header, reason) => {
    expect(reasonFor(header)).toBe(reason);
  });

  it("refuses a header longer than 16 KB before looking at its content", () => {
    const oversized = `Bearer ${"a".repeat(MAX_TOKEN_LENGTH)}.b.c`;
    const justFits = `Bearer ${"a".repeat(MAX_TOKEN_LENGTH - 4)}.b.c`;

    expect(reasonFor(oversized)).toBe("TOKEN_TOO_LARGE");
    expect(reasonFor(justFits)).toBe("accepted");
  });
});

describe("findHeader", () => {
  it("finds a header whatever the case of its name", () => {
    expect(findHeader({ Authorization: "x" }, "authorization")).toBe("x");
    expect(findHeader({ authorization: "y" }, "Authorization")).toBe("y");
    expect(findHeader(null, "authorization")).toBeUndefined();
  });
});
