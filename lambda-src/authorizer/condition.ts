import { type ASTNode, celLibrary, type ParseResult } from "./cel-library.js";

/** A route's claim condition: a CEL expression over `claims`, the verified token payload. */
export interface Condition {
  readonly source: string;
  /** True or false; throws when the expression cannot be evaluated for these claims (a missing claim). */
  evaluate(claims: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Bounds on what one expression may contain. A condition is configuration, written by the API's owners,
 * but it is compiled in the authorizer: small bounds keep a mistake from becoming a slow cold start.
 */
const LIMITS = {
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 64,
  maxCallArguments: 8,
};

/**
 * `matches` runs JavaScript regular expressions, which backtrack: a claim value an attacker chose (a
 * display name, a group name) could hold the authorizer for seconds. Refused at start-up.
 */
const FORBIDDEN_FUNCTIONS = new Set(["matches"]);

let environment: ReturnType<typeof createEnvironment> | undefined;

function createEnvironment() {
  const { Environment } = celLibrary();
  return new Environment({ limits: LIMITS }).registerVariable("claims", "map<string, dyn>");
}

/**
 * Parses and type-checks once, at start-up. Throws when the expression does not parse, does not type-check
 * against `claims` (a map of string to dyn), has a type other than bool, or calls a forbidden function.
 * JSON numbers reach CEL as doubles: `claims.exp > 1700000000` works, `claims.exp + 60` needs `60.0`.
 */
export function compileCondition(source: string): Condition {
  environment ??= createEnvironment();
  let program: ParseResult;
  try {
    program = environment.parse(source);
  } catch (error) {
    // The library's parse errors point into the source over several lines: one line fits a log field.
    throw new Error(firstLine(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  const checked = program.check();
  if (!checked.valid) {
    throw new Error(firstLine(checked.error?.message ?? "does not type-check"));
  }
  if (checked.type !== "bool") {
    throw new Error(`has type ${checked.type}, not bool`);
  }
  const forbidden = calledFunctions(program.ast).find((name) => FORBIDDEN_FUNCTIONS.has(name));
  if (forbidden !== undefined) {
    throw new Error(
      `calls ${forbidden}(), which is not allowed (its regular expressions can backtrack for seconds)`,
    );
  }
  return Object.freeze({
    source,
    evaluate(claims: Readonly<Record<string, unknown>>): boolean {
      const result: unknown = program({ claims });
      if (typeof result !== "boolean") {
        throw new TypeError(`evaluated to ${typeof result}, not a boolean`);
      }
      return result;
    },
  });
}

/** Every function or method name the expression calls: a walk over every node's `args`, nested arrays included. */
function calledFunctions(node: ASTNode): string[] {
  // Stryker disable next-line ArrayDeclaration: an extra name that is not a forbidden function changes nothing
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== "object" || value === null || !("op" in value) || !("args" in value)) {
      return;
    }
    const { op, args } = value;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: only call and rcall nodes have an array of args that starts with a string, their name
    if ((op === "call" || op === "rcall") && Array.isArray(args) && typeof args[0] === "string") {
      names.push(args[0]);
    }
    visit(args);
  };
  visit(node);
  return names;
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0] ?? message;
}
