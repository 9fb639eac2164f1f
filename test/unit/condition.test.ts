import { describe, expect, it, vi } from "vitest";
import { celLibrary } from "../../lambda-src/authorizer/cel-library.js";
import { compileCondition } from "../../lambda-src/authorizer/condition.js";

/** What a case of the regression sample must do through compileCondition and evaluate. */
type Outcome =
  | { readonly evaluates: boolean }
  | { readonly throwsAtEvaluation: true }
  | { readonly refusedAtCompile: string };

const TRUE = { evaluates: true } as const;
const FALSE = { evaluates: false } as const;
const THROWS = { throwsAtEvaluation: true } as const;
const refused = (reason: string) => ({ refusedAtCompile: reason }) as const;

/** The claims of the regression sample (/work/scratch/cel-conformance-sample.mjs). */
const SAMPLE_CLAIMS = {
  groups: ["admins", "users"],
  idtyp: "app",
  acrs: ["c1", "c2"],
  tid: "t-123",
  n: 5,
  d: 1.5,
  // Beyond 2^53, as in the sample: JSON numbers lose precision the same way.
  big: Number("9007199254740993"),
  nested: { a: { b: "x" } },
  empty: [],
};

/*
 * The 65 expressions of the CEL regression sample, classified for our wrapper. The sample's own
 * expectations were written for any CEL library ("ERR" = any error, "ERR_OR_TRUE", "ANY"); here each
 * case is pinned to what compileCondition and evaluate do:
 * - the wrapper refuses at compile time whatever does not type-check (`1 + 1u`, `"a" + 1`, `1 == 1.0`,
 *   unknown methods such as `toString`/`repeat`, indexing a string), whatever has a type other than bool
 *   (the ternary `… ? true : claims.missing` is `dyn`, so it is refused although the sample expected
 *   `true`), and every call of `matches` (backtracking regular expressions; the sample expected `true`
 *   for a valid pattern and an error for `[`, both are refused here);
 * - what type-checks to bool runs, and a missing key, an index out of range, a division by zero, an
 *   overflow or a double + int at run time throws (an error the authorizer turns into CONDITION_ERROR);
 * - the sample's "ERR_OR_TRUE" and "ANY" cases are pinned to the one outcome this library gives.
 */
const SAMPLE: readonly (readonly [string, Outcome])[] = [
  ['"admins" in claims.groups', TRUE],
  ['"root" in claims.groups', FALSE],
  ['"tid" in claims', TRUE],
  ['"nope" in claims', FALSE],
  ["has(claims.tid)", TRUE],
  ["has(claims.nope)", FALSE],
  ["has(claims.nested.a.b)", TRUE],
  ['claims.acrs.exists(a, a == "c1")', TRUE],
  ['claims.acrs.all(a, a.startsWith("c"))', TRUE],
  ["claims.empty.all(a, a == 1)", TRUE],
  ['claims.acrs.exists_one(a, a == "c2")', TRUE],
  ['claims.tid.startsWith("t-")', TRUE],
  ['claims.tid.endsWith("23")', TRUE],
  ['claims.tid.contains("12")', TRUE],
  ['claims.tid.matches("^t-[0-9]+$")', refused("calls matches(), which is not allowed")],
  ['claims.tid.matches("[")', refused("calls matches(), which is not allowed")],
  ["size(claims.groups) == 2", TRUE],
  ["claims.groups.size() == 2", TRUE],
  ['size("héllo") == 5', TRUE],
  ["1 + 2 * 3 == 7", TRUE],
  ["7 / 2 == 3", TRUE],
  ["-7 % 3 == -1", TRUE],
  ["7.0 / 2.0 == 3.5", TRUE],
  ["2u + 3u == 5u", TRUE],
  ["1 + 1u == 2", refused("no such overload: int + uint")],
  ["dyn(1) == 1.0", TRUE],
  ["dyn(1u) == 1", TRUE],
  ["1 == 1.0", refused("no such overload: int == double")],
  ["claims.n == 5", TRUE],
  ["claims.n == 5.0", TRUE],
  // JSON numbers are doubles: double + int has no overload at run time.
  ["claims.n + 1 == 6", THROWS],
  ["int(claims.n) + 1 == 6", TRUE],
  ["type(claims.n) == double", TRUE],
  ["claims.d > 1", TRUE],
  ["1 / 0 == 0", THROWS],
  ["9223372036854775807 + 1 > 0", THROWS],
  ['claims.nested.a.b == "x"', TRUE],
  ['claims["tid"] == "t-123"', TRUE],
  ['claims.missing == "x"', THROWS],
  ['claims.nested.zz.b == "x"', THROWS],
  ['"admins" in claims.missing', THROWS],
  ['claims.groups[5] == "x"', THROWS],
  ['claims.missing == "x" || true', TRUE],
  ['true || claims.missing == "x"', TRUE],
  ['false && claims.missing == "x"', FALSE],
  ['claims.missing == "x" && false', FALSE],
  ['claims.missing == "x" || false', THROWS],
  ['claims.acrs.exists(a, a == "c1" || claims.missing == "x")', TRUE],
  ['dyn(claims.tid) == "t-123"', TRUE],
  ["claims.tid == 1", FALSE],
  ['"a" + 1 == "a1"', refused("no such overload: string + int")],
  ['claims.idtyp == "app" ? true : claims.missing', refused("has type dyn, not bool")],
  ['{"a": 1}.a == 1', TRUE],
  ["[1, 2] + [3] == [1, 2, 3]", TRUE],
  // Object.prototype is not reachable through a map: these are keys like any other, and absent.
  ["claims.constructor == claims.constructor", THROWS],
  ["has(claims.constructor)", FALSE],
  ['"constructor" in claims', FALSE],
  ['"__proto__" in claims', FALSE],
  ["has(claims.__proto__)", FALSE],
  ["claims.groups.length == 2", THROWS],
  ['"abc".constructor == 1', refused("Cannot index type 'string'")],
  ['claims.tid.toString() == "t-123"', refused("found no matching overload for 'dyn.toString()'")],
  ['"x".repeat(3) == "xxx"', refused("found no matching overload for 'string.repeat(int)'")],
  ['claims.acrs.map(a, a + "!") == ["c1!", "c2!"]', TRUE],
  ['claims.acrs.filter(a, a == "c2") == ["c2"]', TRUE],
];

function outcomeOf(source: string, claims: Record<string, unknown>): Outcome {
  let condition;
  try {
    condition = compileCondition(source);
  } catch (error) {
    return { refusedAtCompile: (error as Error).message };
  }
  try {
    return { evaluates: condition.evaluate(claims) };
  } catch {
    return THROWS;
  }
}

function compileError(source: string): Error {
  try {
    compileCondition(source);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${source} to be refused`);
}

describe("compileCondition on the CEL regression sample", () => {
  it("holds all 65 cases", () => {
    expect(SAMPLE).toHaveLength(65);
  });

  it.each(SAMPLE)("%s", (source, expected) => {
    const outcome = outcomeOf(source, SAMPLE_CLAIMS);

    if ("refusedAtCompile" in expected) {
      expect(outcome).toHaveProperty("refusedAtCompile");
      expect((outcome as { refusedAtCompile: string }).refusedAtCompile).toContain(expected.refusedAtCompile);
    } else {
      expect(outcome).toEqual(expected);
    }
  });
});

describe("compileCondition", () => {
  it("keeps the source and evaluates against the claims it is given", () => {
    const condition = compileCondition('claims.tid == "t-1" && "admins" in claims.groups');

    expect(condition.source).toBe('claims.tid == "t-1" && "admins" in claims.groups');
    expect(condition.evaluate({ tid: "t-1", groups: ["admins"] })).toBe(true);
    expect(condition.evaluate({ tid: "t-2", groups: ["admins"] })).toBe(false);
    expect(condition.evaluate({ tid: "t-1", groups: [] })).toBe(false);
    expect(Object.isFrozen(condition)).toBe(true);
  });

  it("throws at evaluation when a claim it reads is missing, unless the result does not depend on it", () => {
    const strict = compileCondition('claims.missing == "x"');
    const lenient = compileCondition('claims.missing == "x" || true');

    expect(() => strict.evaluate({})).toThrow(/No such key: missing/);
    expect(lenient.evaluate({})).toBe(true);
  });

  it.each([
    ["claims.tid", "has type dyn, not bool"],
    ["1 + 1", "has type int, not bool"],
    ['"text"', "has type string, not bool"],
    ["claims.groups.map(g, g == 'a')", "has type list<bool>, not bool"],
  ])("refuses %j, which is not of type bool", (source, message) => {
    expect(compileError(source).message).toBe(message);
  });

  it.each([
    ["unknown == 1", "Unknown variable: unknown"],
    ["claims.tid.toString() == 'x'", "found no matching overload for 'dyn.toString()'"],
    ["1 + 1u == 2", "no such overload: int + uint"],
  ])(
    "refuses %j, which does not type-check, with the first line of the checker's message",
    (source, message) => {
      expect(compileError(source).message).toBe(message);
    },
  );

  it.each([["claims.tid =="], ["claims.tid == 'x"], [")"], ["claims..tid == 1"]])(
    "refuses %j, which does not parse, in one line that keeps the parser's error as its cause",
    (source) => {
      const error = compileError(source);

      expect(error.message).not.toContain("\n");
      expect((error.cause as Error).name).toBe("ParseError");
    },
  );

  it.each([
    ['claims.tid.matches("^t")'],
    ['"abc".matches("a")'],
    ['claims.acrs.exists(a, a.matches("c"))'],
    ['[claims.tid.matches("a")][0]'],
    ['claims.tid.startsWith("t") && claims.tid.matches("a")'],
    ['claims.tid.matches("a") == true'],
  ])("refuses %j, which calls matches() somewhere", (source) => {
    expect(compileError(source).message).toBe(
      "calls matches(), which is not allowed (its regular expressions can backtrack for seconds)",
    );
  });

  it.each([
    ['claims.tid.startsWith("t") && claims.tid.endsWith("3") && claims.tid.contains("-")'],
    ["claims.tid != null"],
    ["size(claims.acrs) > 0 && claims.acrs.all(a, a.size() == 2)"],
    ['claims.acrs.exists(a, a.startsWith("c")) || has(claims.x)'],
  ])("accepts %j, which calls only allowed functions", (source) => {
    expect(compileCondition(source).evaluate(SAMPLE_CLAIMS)).toBe(true);
  });

  it("reads JSON numbers as doubles: comparing with an int works, adding an int needs a double literal", () => {
    expect(compileCondition("claims.exp > 1700000000").evaluate({ exp: 1_800_000_000 })).toBe(true);
    expect(compileCondition("claims.exp + 60.0 > 1800000000.0").evaluate({ exp: 1_800_000_000 })).toBe(true);
    expect(() => compileCondition("claims.exp + 60 > 1700000000").evaluate({ exp: 1_800_000_000 })).toThrow(
      /no such overload/,
    );
  });

  it("parses once per condition, and each condition keeps its own program", () => {
    const first = compileCondition("claims.n == 1.0");
    const second = compileCondition("claims.n == 2.0");

    expect(first.evaluate({ n: 1 })).toBe(true);
    expect(second.evaluate({ n: 1 })).toBe(false);
    expect(first.evaluate({ n: 2 })).toBe(false);
  });
});

describe("compileCondition limits", () => {
  /**
   * The CEL environment, which holds the limits, is built once per module, on the first compile. Each test
   * here compiles with a fresh copy of the module, so it is the one that builds the environment.
   */
  async function freshCompiler(): Promise<typeof compileCondition> {
    vi.resetModules();
    return (await import("../../lambda-src/authorizer/condition.js")).compileCondition;
  }

  async function freshError(source: string): Promise<Error> {
    const compile = await freshCompiler();
    try {
      compile(source);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`expected ${source} to be refused`);
  }

  const list = (length: number) => `size([${Array.from({ length }, () => "1").join(", ")}]) > 0`;
  const map = (entries: number) =>
    `size({${Array.from({ length: entries }, (_, i) => `"k${i}": 1`).join(", ")}}) > 0`;
  const nested = (depth: number) => `${"(".repeat(depth)}true${")".repeat(depth)}`;
  const terms = (count: number) => Array.from({ length: count }, () => "true").join(" && ");
  const call = (args: number) => `size(${Array.from({ length: args }, (_, i) => String(i)).join(", ")}) == 1`;

  it("accepts a list of 256 elements and refuses 257", async () => {
    expect((await freshCompiler())(list(256)).evaluate({})).toBe(true);
    expect((await freshError(list(257))).message).toMatch(/^Exceeded maxListElements \(256\)/);
  });

  it("accepts a map of 64 entries and refuses 65", async () => {
    expect((await freshCompiler())(map(64)).evaluate({})).toBe(true);
    expect((await freshError(map(65))).message).toMatch(/^Exceeded maxMapEntries \(64\)/);
  });

  it("accepts 31 levels of parentheses and refuses 32", async () => {
    expect((await freshCompiler())(nested(31)).evaluate({})).toBe(true);
    expect((await freshError(nested(32))).message).toMatch(/^Exceeded maxDepth \(32\)/);
  });

  it("accepts 999 AST nodes (500 terms) and refuses 1001 (501 terms)", async () => {
    expect((await freshCompiler())(terms(500)).evaluate({})).toBe(true);
    expect((await freshError(terms(501))).message).toMatch(/^Exceeded maxAstNodes \(1000\)/);
  });

  it("parses a call of 8 arguments and refuses 9 before type-checking", async () => {
    // size() has no 8-argument overload: the type checker, not the limit, refuses the first.
    expect((await freshError(call(8))).message).toMatch(/^found no matching overload for 'size\(int, int/);
    expect((await freshError(call(9))).message).toMatch(/^Exceeded maxCallArguments \(8\)/);
  });
});

describe("celLibrary", () => {
  it("loads the CEL implementation once", () => {
    const library = celLibrary();

    expect(celLibrary()).toBe(library);
    expect(typeof library.Environment).toBe("function");
  });
});

describe("compileCondition over a CEL library that misbehaves", () => {
  /**
   * What the wrapper does not leave to the library: a library whose checker fails without an error, whose
   * program returns something other than a boolean, or that accepts the global form `matches(s, re)` (CEL's
   * specification defines it; this library has no such overload today).
   */
  async function compilerOver(program: {
    check: () => { valid: boolean; type?: string; error?: Error };
    ast?: unknown;
    result?: unknown;
  }): Promise<typeof compileCondition> {
    class FakeEnvironment {
      registerVariable() {
        return this;
      }
      parse() {
        return Object.assign(() => program.result, {
          check: program.check,
          ast: program.ast ?? { op: "value", args: true },
        });
      }
    }
    vi.resetModules();
    vi.doMock("../../lambda-src/authorizer/cel-library.js", () => ({
      celLibrary: () => ({ Environment: FakeEnvironment }),
    }));
    try {
      return (await import("../../lambda-src/authorizer/condition.js")).compileCondition;
    } finally {
      vi.doUnmock("../../lambda-src/authorizer/cel-library.js");
    }
  }

  it("refuses an expression the checker rejects without saying why", async () => {
    const compile = await compilerOver({ check: () => ({ valid: false }) });

    expect(() => compile("anything")).toThrow(/^does not type-check$/);
  });

  it("throws at evaluation, rather than answer, when a bool expression evaluates to something else", async () => {
    const compile = await compilerOver({ check: () => ({ valid: true, type: "bool" }), result: "yes" });

    const condition = compile("claims.flag");

    expect(() => condition.evaluate({ flag: "yes" })).toThrow(
      new TypeError("evaluated to string, not a boolean"),
    );
  });

  it("refuses the global form of matches()", async () => {
    const compile = await compilerOver({
      check: () => ({ valid: true, type: "bool" }),
      ast: {
        op: "call",
        args: [
          "matches",
          [
            { op: "id", args: "claims" },
            { op: "value", args: "a" },
          ],
        ],
      },
    });

    expect(() => compile('matches(claims.tid, "a")')).toThrow(
      "calls matches(), which is not allowed (its regular expressions can backtrack for seconds)",
    );
  });
});
