/**
 * The built authorizer laid out as Lambda lays it out (the function zip in var/task, the layer in opt),
 * and child processes started in it the way the Node.js runtime starts: cwd the task root, the layer
 * on NODE_PATH, a clean environment, stdout a pipe that the parent drains (CloudWatch's side of it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { extractZip } from "../local/lambda/unzip.js";

export interface LambdaLayout {
  readonly taskRoot: string;
  readonly optRoot: string;
}

export interface LambdaChild {
  readonly child: ChildProcess;
  /** Bytes and lines the child has written to stdout so far. */
  readonly stdout: { bytes: number; lines: number };
  /** Resolves once the child has exited and its stdout is fully drained. */
  readonly closed: Promise<number | null>;
}

export async function createLambdaLayout(
  dir: string,
  functionZip: string,
  layerZip: string,
): Promise<LambdaLayout> {
  const taskRoot = join(dir, "var", "task");
  const optRoot = join(dir, "opt");
  await mkdir(taskRoot, { recursive: true });
  await mkdir(optRoot, { recursive: true });
  await extractZip(functionZip, taskRoot);
  await extractZip(layerZip, optRoot);
  return { taskRoot, optRoot };
}

/** What the Node.js runtime sets, plus the function's own variables. */
export function lambdaEnvironment(
  layout: LambdaLayout,
  functionEnv: Record<string, string>,
  memoryMb = 256,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: "UTC",
    LAMBDA_TASK_ROOT: layout.taskRoot,
    NODE_PATH: [join(layout.optRoot, "nodejs", "node_modules"), layout.taskRoot].join(":"),
    _HANDLER: "index.handler",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: "entra-authorizer-bench",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    ...functionEnv,
  };
}

/**
 * Starts `script` (plain JavaScript: no loader hooks that would slow imports) in the layout. The IPC
 * channel carries only control messages, never per-invocation traffic.
 */
export function spawnLambdaChild(
  layout: LambdaLayout,
  env: Record<string, string>,
  script: string,
  args: string[] = [],
): LambdaChild {
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 256);
  const child = spawn(process.execPath, [...lambdaNodeArgs(memoryMb), script, ...args], {
    cwd: layout.taskRoot,
    env,
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const stdout = { bytes: 0, lines: 0 };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout.bytes += chunk.length;
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) stdout.lines += 1;
  });
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, stdout, closed };
}

/** The flags the Node.js runtime's bootstrap passes, with the V8 heap sized from the function's memory. */
export function lambdaNodeArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    "--expose-gc",
    "--max-http-header-size=81920",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}
