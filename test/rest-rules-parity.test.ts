/**
 * One contract, two readers: modules/rest-route-rules refuses at plan exactly the REST rule sets the
 * authorizer refuses at start-up (lambda-src/authorizer/rest-policy.ts). Both judge the same generated
 * rule sets, under both cache keys; Terraform evaluates them in one apply of a configuration with no
 * resources, so no provider and no AWS are involved.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../lambda-src/authorizer/config.js";
import {
  perRouteProblem,
  policySizeProblem,
  tokenWideProblem,
} from "../lambda-src/authorizer/rest-policy.js";
import { BASE_ENV } from "./support/in-process.js";
import { INIT_SCRIPT, REPO, run } from "./support/terraform-workspace.js";

const METHODS = [
  "GET /",
  "GET /items",
  "POST /items",
  "GET /items/{id}",
  "DELETE /items/{id}",
  "GET /items/{id}/history",
  "ANY /items/{id}",
  "ANY /health",
  "GET /health",
  "GET /a/{x}/c",
  "GET /a/b/{y}",
  "ANY /{proxy+}",
  "GET /files/{path+}",
  "GET /v1.2/x",
];
const RULES = [{}, { roles: ["A"] }, { scopes: ["s"], roles: ["A"] }, { roles: ["A"], clients: [] }];
const CASES = 150;

type Rules = Record<string, { scopes?: string[]; roles?: string[]; clients?: string[] }>;

function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ruleSet(seed: number): Rules {
  const random = generator(seed);
  const rules: Rules = {};
  for (const method of METHODS) {
    if (random() < 0.35) {
      rules[method] = RULES[Math.floor(random() * RULES.length)] as Rules[string];
    }
  }
  if (random() < 0.5) {
    rules["*"] = RULES[Math.floor(random() * RULES.length)] as Rules[string];
  }
  if (Object.keys(rules).length === 0) {
    rules["GET /items"] = {};
  }
  return rules;
}

/** What the authorizer says of a rule set at start-up: refused (a problem) or not. */
function authorizerRefuses(rules: Rules, cacheKey: "token" | "route"): boolean {
  const parsed = loadConfig({ ...BASE_ENV, AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(rules) }).routeRules;
  if (parsed === undefined) {
    return false;
  }
  const problem =
    cacheKey === "route" ? perRouteProblem(parsed) : (tokenWideProblem(parsed) ?? policySizeProblem(parsed));
  return problem !== undefined;
}

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "rest-rules-parity-"));
});

afterAll(async () => {
  if (workspace) {
    await rm(workspace, { recursive: true, force: true });
  }
});

describe("REST rule sets refused at plan and at start-up", () => {
  it("are the same sets, under either cache key", { timeout: 120_000 }, async () => {
    const cases: Record<string, { route_permissions: Rules; cache_key: "token" | "route" }> = {};
    for (let seed = 1; seed <= CASES; seed += 1) {
      for (const cacheKey of ["token", "route"] as const) {
        cases[`${cacheKey}-${seed}`] = { route_permissions: ruleSet(seed), cache_key: cacheKey };
      }
    }
    await writeFile(
      path.join(workspace, "main.tf"),
      `variable "cases" {
  type = map(object({
    route_permissions = map(object({
      scopes    = optional(list(string), [])
      roles     = optional(list(string), [])
      clients   = optional(list(string), [])
      condition = optional(string)
    }))
    cache_key = string
  }))
}

module "case" {
  source   = "${path.join(REPO, "modules", "rest-route-rules")}"
  for_each = var.cases

  route_permissions = each.value.route_permissions
  cache_key         = each.value.cache_key
}

output "refused" {
  value = { for name, verdict in module.case : name => verdict.problem != null }
}
`,
    );
    await writeFile(path.join(workspace, "cases.tfvars.json"), JSON.stringify({ cases }));
    await run(INIT_SCRIPT, [workspace], workspace);
    await run(
      "terraform",
      ["apply", "-auto-approve", "-input=false", "-no-color", "-var-file=cases.tfvars.json"],
      workspace,
    );

    const refusedAtPlan = JSON.parse(
      await run("terraform", ["output", "-json", "refused"], workspace),
    ) as Record<string, boolean>;

    const disagreements = Object.entries(cases).filter(
      ([name, { route_permissions, cache_key }]) =>
        refusedAtPlan[name] !== authorizerRefuses(route_permissions, cache_key),
    );
    expect(disagreements.map(([name, value]) => `${name}: ${JSON.stringify(value)}`)).toEqual([]);
    // Both verdicts occur often enough to mean something.
    const refusedCount = Object.values(refusedAtPlan).filter(Boolean).length;
    expect(refusedCount).toBeGreaterThan(CASES / 4);
    expect(Object.keys(refusedAtPlan).length - refusedCount).toBeGreaterThan(CASES / 4);
  });
});
