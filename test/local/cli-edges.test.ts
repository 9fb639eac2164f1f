/**
 * The CLIs' answers to mistakes: a usage line instead of a stack trace, configuration refusals that
 * name the Terraform variable, no echoed secret, and a plain word about the local CA.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/local-stack.js";

const execFileAsync = promisify(execFile);
const TSX = join(REPO_ROOT, "node_modules", ".bin", "tsx");
const SECRET = "SHHH-this-must-not-be-echoed";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Outcome> {
  const environment = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
  return execFileAsync(TSX, [script, ...args], { cwd: REPO_ROOT, env: environment, timeout: 20_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

const SMOKE_ARGS = [
  "--url",
  "http://127.0.0.1:9/auth",
  "--tenant",
  "11111111-2222-3333-4444-555555555555",
  "--client-id",
  "00000000-0000-4000-8000-00000000c11e",
  "--scope",
  "api://x/.default",
  "--authority-host",
  "127.0.0.1:9",
];

describe("CLI edges", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-edges-"));
    await writeFile(join(dir, "default-route.json"), JSON.stringify({ routes: { $default: {} } }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["local/cli/start.ts", ["--prot", "3000"], "Unknown option --prot.", "Usage: npm start"],
    ["local/cli/token-cli.ts", ["--scopes", "x"], "Unknown option --scopes.", "Usage: npm run -s token"],
    ["local/cli/token-cli.ts", ["extra"], "Unexpected argument (the 1st one)", "Usage: npm run -s token"],
    [
      "local/cli/smoke-cli.ts",
      [`--client_secret=${SECRET}`],
      "Unknown option --client_secret.",
      "Usage: SMOKE_CLIENT_SECRET=",
    ],
    [
      "local/cli/smoke-cli.ts",
      ["--client-id", "x", SECRET],
      "Unexpected argument (the 3rd one)",
      "Usage: SMOKE_CLIENT_SECRET=",
    ],
  ])("%s %j prints the mistake and the usage, exit 2", async (script, args, mistake, usage) => {
    const outcome = await cli(script, args, { LOCAL_STACK_DIR: dir });

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(mistake);
    expect(outcome.stderr).toContain(usage);
    expect(outcome.stderr).not.toMatch(/^\s+at /m);
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain(SECRET);
  });

  it("refuses an unknown --api with the usage line, and front-door flags given to another front door", async () => {
    const unknown = await cli("local/cli/start.ts", ["--port", "0", "--no-build", "--api", "soap"], {
      LOCAL_STACK_DIR: dir,
    });
    const misplaced = await cli(
      "local/cli/start.ts",
      ["--port", "0", "--no-build", "--rest-authorizer-type", "REQUEST"],
      { LOCAL_STACK_DIR: dir },
    );
    const restDefault = await cli(
      "local/cli/start.ts",
      ["--port", "0", "--no-build", "--api", "rest", "--config", join(dir, "default-route.json")],
      { LOCAL_STACK_DIR: dir },
    );
    const badFields = await cli(
      "local/cli/start.ts",
      ["--port", "0", "--no-build", "--api", "appsync", "--field-permissions", "{nope"],
      { LOCAL_STACK_DIR: dir },
    );

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^--api must be http, rest, appsync\.\nUsage: npm start/m);
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toMatch(
      /^Configuration error: --rest-authorizer-type applies to --api rest only/m,
    );
    expect(restDefault.code).toBe(1);
    expect(restDefault.stderr).toMatch(
      /^Configuration error: routes cannot have "\$default" with --api rest/m,
    );
    expect(badFields.code).toBe(1);
    expect(badFields.stderr).toMatch(/^Configuration error: --field-permissions must be JSON/m);
  });

  it("refuses a --config that Terraform would refuse, naming the variable, before starting anything", async () => {
    const config = join(dir, "old.tfvars.json");
    await writeFile(config, JSON.stringify({ routes: ["GET /auth"], route_permissions: {} }));

    const outcome = await cli("local/cli/start.ts", ["--port", "0", "--no-build", "--config", config], {
      LOCAL_STACK_DIR: dir,
    });

    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /^Configuration error: route_permissions was removed: put each rule on its route/m,
    );
    expect(outcome.stdout).not.toContain("Entra ID protected HTTP API");
  });

  it("says the local CA file is missing instead of failing a TLS handshake", async () => {
    const outcome = await cli("local/cli/smoke-cli.ts", SMOKE_ARGS, {
      NODE_EXTRA_CA_CERTS: join(dir, "no-such-ca.pem"),
      SMOKE_CLIENT_SECRET: SECRET,
    });

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/NODE_EXTRA_CA_CERTS names .*no-such-ca\.pem, which does not exist/);
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain(SECRET);
  });

  it("says a local issuer needs the local CA when NODE_EXTRA_CA_CERTS is unset", async () => {
    const outcome = await cli("local/cli/smoke-cli.ts", SMOKE_ARGS, {
      NODE_EXTRA_CA_CERTS: undefined,
      SMOKE_CLIENT_SECRET: SECRET,
    });

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("run with NODE_EXTRA_CA_CERTS=.local/ca.pem");
  });

  it("warns that a secret given as a flag was echoed by npm, without echoing it itself", async () => {
    const outcome = await cli("local/cli/smoke-cli.ts", [...SMOKE_ARGS, "--client-secret", SECRET], {
      NODE_EXTRA_CA_CERTS: undefined,
      npm_config_loglevel: "notice",
    });

    expect(outcome.stderr).toContain("Prefer SMOKE_CLIENT_SECRET=… npm run -s smoke");
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain(SECRET);
  });
});
