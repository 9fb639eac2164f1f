/**
 * `npm start` as a user runs it: a child process that prints a banner, serves requests, works with
 * `npm run token`, and stops cleanly on Ctrl-C, taking its Lambda workers with it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/local-stack.js";

const run = promisify(execFile);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` as a child process (tsx directly, so signals reach it), with its output collected. */
function startStack(args: string[], localDir: string) {
  let output = "";
  const child = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "tsx"),
    ["local/cli/start.ts", "--port", "0", "--no-build", "--quiet", ...args],
    { cwd: REPO_ROOT, env: { ...process.env, LOCAL_STACK_DIR: localDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exitCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exitCode };
}

/** Resolves once `pattern` appears in the child's output; rejects after `timeoutMs`. */
function waitForOutput(output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const match = pattern.exec(output());
      if (match !== null) resolve(match);
      else if (Date.now() > deadline)
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output()}`));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

describe("npm start (local/cli/start.ts)", () => {
  let localDir: string;
  let child: ChildProcess;
  let output: () => string = () => "";
  let exitCode: Promise<number | null>;
  let url: string;
  let port: string;
  const tokenCli = (args: string[] = [], dir = localDir) =>
    run("npm", ["run", "-s", "token", "--", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_STACK_DIR: dir },
      timeout: 20_000,
    });

  beforeAll(async () => {
    localDir = await mkdtemp(join(tmpdir(), "start-cli-test-"));
    const started = startStack([], localDir);
    child = started.child;
    output = () => started.output();
    exitCode = started.exitCode;
    [, port = ""] = await waitForOutput(output, /API\s+http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
    await waitForOutput(output, /Press Ctrl-C to stop\./, 10_000);
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (child?.exitCode === null) child.kill("SIGKILL");
    for (const match of output().matchAll(/pid (\d+)/g)) {
      const pid = Number(match[1]);
      if (isRunning(pid)) process.kill(pid, "SIGKILL");
    }
    await rm(localDir, { recursive: true, force: true });
  });

  it("prints a banner with the URL and a curl example using npm run token for this port", () => {
    expect(output()).toContain(`curl -i ${url}/auth`);
    expect(output()).toContain(
      `curl -i -H "Authorization: Bearer $(npm run -s token -- --port ${port})" ${url}/auth`,
    );
    expect(existsSync(join(localDir, `stack-${port}.json`))).toBe(true);
    expect(existsSync(join(localDir, "ca.pem"))).toBe(true);
  });

  it("answers 401 without a token and 200 with one from `npm run token`", async () => {
    const { stdout: userToken } = await tokenCli([
      "--scope",
      "Things.Read",
      "--user",
      "grace@contoso.example",
    ]);
    const { stdout: appToken } = await tokenCli(["--role", "Things.Admin", "--version", "1.0"]);

    const anonymous = await fetch(`${url}/auth`);
    const user = await fetch(`${url}/auth`, { headers: { authorization: `Bearer ${userToken.trim()}` } });
    const app = await fetch(`${url}/auth`, { headers: { authorization: `Bearer ${appToken.trim()}` } });

    expect(anonymous.status).toBe(401);
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ caller: { scopes: ["Things.Read"], tokenVersion: "2.0" } });
    expect(app.status).toBe(200);
    expect(await app.json()).toMatchObject({
      caller: { roles: ["Things.Admin"], scopes: [], tokenVersion: "1.0" },
    });
    expect(output()).toMatch(/GET \/auth → 200 \[GET \/auth\] authorizer=miss/);
  });

  it("prints decoded claims with --claims", async () => {
    const { stdout } = await tokenCli(["--user", "grace@contoso.example", "--version", "1.0", "--claims"]);

    expect(JSON.parse(stdout)).toMatchObject({
      ver: "1.0",
      upn: "grace@contoso.example",
      scp: "access_as_user",
    });
  });

  it("tells the user to start the stack when it is not running", async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), "start-cli-empty-"));
    try {
      const outcome = await tokenCli([], emptyDir).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );

      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain("The local stack is not running");
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it("mints what the features need: another tenant, a client, app or user, claims, a lifetime", async () => {
    const other = "11111111-1111-4111-8111-111111111111";
    const client = "22222222-2222-4222-8222-222222222222";

    const { stdout: app } = await tokenCli([
      "--app",
      "--client",
      client,
      "--tenant",
      other,
      "--claim",
      'groups=["g1"]',
      "--claim",
      "dept=sales",
      "--claim",
      "level=3",
      "--lifetime=-600",
      "--url",
      url,
      "--claims",
    ]);
    const { stdout: user } = await tokenCli(["--user", "--version", "1.0", "--claims"]);

    const appClaims = JSON.parse(app);
    expect(appClaims).toMatchObject({
      iss: expect.stringMatching(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/${other}/v2\\.0$`)),
      tid: other,
      azp: client,
      idtyp: "app",
      roles: ["API.Access"],
      groups: ["g1"],
      dept: "sales",
      level: 3,
      ver: "2.0",
    });
    expect(appClaims).not.toHaveProperty("scp");
    expect(appClaims.exp).toBeLessThan(Date.now() / 1000);
    const userClaims = JSON.parse(user);
    expect(userClaims).toMatchObject({ scp: "access_as_user", ver: "1.0", appid: expect.any(String) });
    expect(userClaims).not.toHaveProperty("idtyp");
    for (const claims of [appClaims, userClaims]) {
      for (const name of ["iat", "nbf", "exp", "tid", "oid", "sub", "ver"])
        expect(claims).toHaveProperty(name);
    }
  });

  it("keeps a second stack's state apart, and npm run token asks which one without --port", async () => {
    const config = join(localDir, "orders.tfvars.json");
    await writeFile(
      config,
      JSON.stringify({
        routes: { "GET /orders": { scopes: ["Orders.Read"] }, "GET /health": { authorization: "none" } },
      }),
    );
    const second = startStack(["--config", config], localDir);
    try {
      const [, secondPort = ""] = await waitForOutput(
        second.output,
        /API\s+http:\/\/127\.0\.0\.1:(\d+)/,
        30_000,
      );
      await waitForOutput(second.output, /Press Ctrl-C to stop\./, 10_000);

      const ambiguous = await tokenCli([]).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      const { stdout: token } = await tokenCli(["--port", secondPort, "--scope", "Orders.Read"]);
      const orders = await fetch(`http://127.0.0.1:${secondPort}/orders`, {
        headers: { authorization: `Bearer ${token.trim()}` },
      });

      expect(second.output()).toContain(
        `$(npm run -s token -- --port ${secondPort} --scope Orders.Read)" http://127.0.0.1:${secondPort}/orders`,
      );
      expect(second.output()).toContain(`curl -i http://127.0.0.1:${secondPort}/health`);
      expect(existsSync(join(localDir, `stack-${port}.json`))).toBe(true);
      expect(existsSync(join(localDir, `stack-${secondPort}.json`))).toBe(true);
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stderr).toMatch(
        /Several local stacks are running \(port \d+, port \d+\): pick one with --port N/,
      );
      expect(orders.status).toBe(200);

      second.child.kill("SIGINT");
      expect(await second.exitCode).toBe(0);
      expect(existsSync(join(localDir, `stack-${secondPort}.json`))).toBe(false);
      expect(existsSync(join(localDir, `stack-${port}.json`))).toBe(true);
    } finally {
      if (second.child.exitCode === null) second.child.kill("SIGKILL");
      for (const match of second.output().matchAll(/pid (\d+)/g)) {
        const pid = Number(match[1]);
        if (isRunning(pid)) process.kill(pid, "SIGKILL");
      }
    }
  });

  it("stops on SIGINT with exit code 0, leaving no worker process and no state file", async () => {
    const workerPids = [...output().matchAll(/execution environment started \(pid (\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(workerPids.length).toBeGreaterThanOrEqual(2);
    expect(workerPids.every(isRunning)).toBe(true);

    child.kill("SIGINT");
    const code = await Promise.race([
      exitCode,
      new Promise<string>((resolve) => setTimeout(() => resolve("still running after 15 s"), 15_000)),
    ]);

    expect(code).toBe(0);
    expect(output()).toContain("Stopped.");
    expect(workerPids.filter(isRunning)).toEqual([]);
    expect(existsSync(join(localDir, `stack-${port}.json`))).toBe(false);
  });
});

describe("npm start -- --api appsync", () => {
  it("serves POST /graphql, refusing a query without a token and answering one with a token from `npm run token`", async () => {
    const localDir = await mkdtemp(join(tmpdir(), "start-cli-appsync-"));
    const started = startStack(
      ["--api", "appsync", "--field-permissions", '{"Mutation.deleteTask":{"roles":["Tasks.Admin"]}}'],
      localDir,
    );
    try {
      const [, port = ""] = await waitForOutput(
        started.output,
        /GraphQL\s+POST http:\/\/127\.0\.0\.1:(\d+)\/graphql/,
        30_000,
      );
      await waitForOutput(started.output, /Press Ctrl-C to stop\./, 10_000);
      const { stdout: token } = await run("npm", ["run", "-s", "token", "--", "--port", port], {
        cwd: REPO_ROOT,
        env: { ...process.env, LOCAL_STACK_DIR: localDir },
        timeout: 20_000,
      });
      const query = (authorization?: string, body = '{"query":"{ tasks { id } }"}') =>
        fetch(`http://127.0.0.1:${port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body,
        });

      const anonymous = await query();
      const allowed = await query(token.trim());
      const denied = await query(token.trim(), '{"query":"mutation { deleteTask(id: \\"1\\") }"}');

      expect(anonymous.status).toBe(401);
      expect(await allowed.json()).toEqual({ data: { tasks: [{ id: "1" }] } });
      expect(await denied.json()).toMatchObject({ data: null, errors: [{ errorType: "Unauthorized" }] });
      expect(started.output()).toContain(
        `${"curl -i"} -H "Authorization: $(npm run -s token -- --port ${port})"`,
      );
    } finally {
      started.child.kill("SIGINT");
      await Promise.race([started.exitCode, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await rm(localDir, { recursive: true, force: true });
    }
  }, 60_000);
});
