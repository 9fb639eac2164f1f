import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LambdaSandbox } from "../../local/lambda/lambda-sandbox.js";
import { writeZip } from "./zip-fixture.js";

const FUNCTION_SOURCE = `
import { createRequire } from "node:module";
import layered from "fake-layer-lib";
const require = createRequire(import.meta.url);
const required = require("fake-layer-lib");
let invocations = 0;
console.log("init done", layered.origin);
export const handler = async (event, context) => {
  invocations += 1;
  switch (event.action) {
    case "echo":
      console.log("echoing", event.value);
      return {
        event,
        invocations,
        requestId: context.awsRequestId,
        functionName: context.functionName,
        remainingMs: context.getRemainingTimeInMillis(),
        imported: layered.origin,
        required: required.origin,
        env: {
          taskRoot: process.env.LAMBDA_TASK_ROOT,
          nodePath: process.env.NODE_PATH,
          region: process.env.AWS_REGION,
          tz: process.env.TZ,
          handler: process.env._HANDLER,
          custom: process.env.CUSTOM_SETTING,
          parentOnly: process.env.SANDBOX_TEST_PARENT_ONLY ?? null,
          cwd: process.cwd(),
        },
      };
    case "throw":
      throw new TypeError("the handler failed on purpose");
    case "hang":
      return new Promise(() => undefined);
    case "exit":
      process.exit(3);
    default:
      return undefined;
  }
};
`;

describe("LambdaSandbox", () => {
  let dir: string;
  let functionZip: string;
  let layerZip: string;
  let sandbox: LambdaSandbox;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sandbox-test-"));
    functionZip = await writeZip(join(dir, "function.zip"), { "index.mjs": FUNCTION_SOURCE });
    layerZip = await writeZip(join(dir, "layer.zip"), {
      "nodejs/node_modules/fake-layer-lib/package.json": JSON.stringify({
        name: "fake-layer-lib",
        main: "index.js",
      }),
      "nodejs/node_modules/fake-layer-lib/index.js": 'module.exports = { origin: "layer" };',
    });
    process.env.SANDBOX_TEST_PARENT_ONLY = "leaked";
    sandbox = await LambdaSandbox.start({
      zipPath: functionZip,
      layerZipPaths: [layerZip],
      env: { CUSTOM_SETTING: "from-caller" },
      timeoutMs: 1500,
      name: "echo-function",
    });
  });

  afterAll(async () => {
    delete process.env.SANDBOX_TEST_PARENT_ONLY;
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the handler with a layer package resolved by import and require, and a Lambda-like env", async () => {
    expect(sandbox.coldStart).toBe(true);

    const outcome = await sandbox.invoke({ action: "echo", value: 42 }, { awsRequestId: "req-1" });

    expect(outcome.error).toBeUndefined();
    expect(outcome.initDurationMs).toBeGreaterThan(0);
    const result = outcome.result as Record<string, unknown> & { env: Record<string, unknown> };
    expect(result).toMatchObject({
      event: { action: "echo", value: 42 },
      requestId: "req-1",
      functionName: "echo-function",
    });
    expect(result.imported).toBe("layer");
    expect(result.required).toBe("layer");
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(1500);
    expect(result.env.taskRoot).toBe(sandbox.taskRoot);
    expect(result.env.cwd).toBe(sandbox.taskRoot);
    expect(String(result.env.nodePath).split(":")).toEqual([
      expect.stringMatching(/opt\/nodejs\/node22\/node_modules$/),
      expect.stringMatching(/opt\/nodejs\/node_modules$/),
      sandbox.taskRoot,
    ]);
    expect(result.env).toMatchObject({
      region: "us-east-1",
      tz: "UTC",
      handler: "index.handler",
      custom: "from-caller",
    });
    expect(result.env.parentOnly).toBeNull();
    expect(sandbox.coldStart).toBe(false);
  });

  it("captures the lines printed during an invocation in Lambda's text format", async () => {
    const outcome = await sandbox.invoke({ action: "echo", value: "hello" }, { awsRequestId: "req-logs" });

    expect(outcome.logs).toHaveLength(1);
    expect(outcome.logs[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\treq-logs\tINFO\techoing hello$/);
    expect(sandbox.logs.some((line) => line.endsWith("\tINFO\tinit done layer"))).toBe(true);
  });

  it("keeps the execution environment warm between invocations", async () => {
    const first = await sandbox.invoke({ action: "echo" });
    const second = await sandbox.invoke({ action: "echo" });

    const count = (outcome: typeof first) => (outcome.result as { invocations: number }).invocations;
    expect(count(second)).toBe(count(first) + 1);
    expect(second.initDurationMs).toBeUndefined();
  });

  it("returns a thrown error as Lambda does, named by the error class", async () => {
    const outcome = await sandbox.invoke({ action: "throw" });

    expect(outcome.timedOut).toBe(false);
    expect(outcome.error).toEqual({ errorType: "TypeError", errorMessage: "the handler failed on purpose" });
    expect(outcome.logs.some((line) => line.includes("Invoke Error"))).toBe(true);
  });

  it("times out a hanging handler, discards the environment and cold-starts on the next call", async () => {
    const starts = sandbox.coldStartCount;

    const hung = await sandbox.invoke({ action: "hang" });
    const next = await sandbox.invoke({ action: "echo" });

    expect(hung.timedOut).toBe(true);
    expect(hung.error?.errorType).toBe("Sandbox.Timedout");
    expect(hung.durationMs).toBeGreaterThanOrEqual(1400);
    expect(next.error).toBeUndefined();
    expect(next.initDurationMs).toBeGreaterThan(0);
    expect((next.result as { invocations: number }).invocations).toBe(1);
    expect(sandbox.coldStartCount).toBe(starts + 1);
  });

  it("serializes concurrent invocations", async () => {
    const outcomes = await Promise.all([1, 2, 3].map((value) => sandbox.invoke({ action: "echo", value })));

    const counts = outcomes.map((outcome) => (outcome.result as { invocations: number }).invocations);
    expect(counts[1]).toBe((counts[0] ?? 0) + 1);
    expect(counts[2]).toBe((counts[0] ?? 0) + 2);
  });

  it("reports a crashed runtime as an error and recovers", async () => {
    const crashed = await sandbox.invoke({ action: "exit" });
    const next = await sandbox.invoke({ action: "echo" });

    expect(crashed.error?.errorType).toBe("Runtime.ExitError");
    expect(crashed.error?.errorMessage).toContain("exit status 3");
    expect(next.error).toBeUndefined();
  });

  it("reports a module that cannot be imported as an init error", async () => {
    const broken = await writeZip(join(dir, "broken.zip"), { "index.mjs": 'import "missing-package";\n' });
    const brokenSandbox = await LambdaSandbox.start({ zipPath: broken, timeoutMs: 2000 });
    try {
      const outcome = await brokenSandbox.invoke({});

      expect(outcome.error?.errorType).toBe("Runtime.ImportModuleError");
      expect(outcome.error?.errorMessage).toContain("missing-package");
      expect(brokenSandbox.workerPid).toBeUndefined();
    } finally {
      await brokenSandbox.close();
    }
  });

  it("reports a missing handler export", async () => {
    const zip = await writeZip(join(dir, "no-handler.zip"), {
      "index.mjs": "export const other = () => 1;\n",
    });
    const noHandler = await LambdaSandbox.start({ zipPath: zip });
    try {
      const outcome = await noHandler.invoke({});

      expect(outcome.error).toEqual({
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "index.handler is undefined or not exported",
      });
    } finally {
      await noHandler.close();
    }
  });

  it("prefers the nodejs/node22 layer folder over nodejs/node_modules, as Lambda's NODE_PATH does", async () => {
    const versioned = await writeZip(join(dir, "versioned-layer.zip"), {
      "nodejs/node22/node_modules/fake-layer-lib/package.json": JSON.stringify({
        name: "fake-layer-lib",
        main: "index.js",
      }),
      "nodejs/node22/node_modules/fake-layer-lib/index.js": 'module.exports = { origin: "node22 layer" };',
    });
    const layered = await LambdaSandbox.start({ zipPath: functionZip, layerZipPaths: [layerZip, versioned] });
    try {
      const outcome = await layered.invoke({ action: "echo" });

      expect(outcome.result).toMatchObject({ imported: "node22 layer", required: "node22 layer" });
    } finally {
      await layered.close();
    }
  });

  it("logs as Lambda does with logging_config JSON: console as JSON objects, levels below the setting dropped", async () => {
    const logging = await writeZip(join(dir, "logging.zip"), {
      "index.mjs": `
export const handler = async () => {
  console.debug("debug line");
  console.info("info line");
  console.warn("warn line", 42);
  process.stdout.write(JSON.stringify({ level: "INFO", message: "own info" }) + "\\n");
  process.stdout.write(JSON.stringify({ level: "ERROR", message: "own error" }) + "\\n");
  return { format: process.env.AWS_LAMBDA_LOG_FORMAT, level: process.env.AWS_LAMBDA_LOG_LEVEL };
};`,
    });
    const sandbox = await LambdaSandbox.start({
      zipPath: logging,
      logging: { format: "JSON", applicationLogLevel: "WARN" },
    });
    try {
      const outcome = await sandbox.invoke({}, { awsRequestId: "req-1" });

      expect(outcome.result).toEqual({ format: "JSON", level: "WARN" });
      expect(outcome.logs.map((line) => JSON.parse(line))).toEqual([
        { timestamp: expect.any(String), level: "WARN", requestId: "req-1", message: "warn line 42" },
        { level: "ERROR", message: "own error" },
      ]);
    } finally {
      await sandbox.close();
    }
  });
});
