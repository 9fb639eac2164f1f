/**
 * What the moto suite drives: a moto server of its own per configuration (test/moto/server.py, moto
 * with our patches), a copy of the Terraform sources whose AWS provider talks to it, Terraform steps
 * with a timeout each, and the leftovers check (test/moto/leftovers.py).
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { INIT_SCRIPT, REPO, run, TERRAFORM_ENV } from "../support/terraform-workspace.js";

export const MOTO_VERSION = "5.2.1";
export const INSTALL_MOTO = `pip install "moto[server]==${MOTO_VERSION}"`;
export const PYTHON = process.env.MOTO_PYTHON ?? "python3";
const SERVER = path.join(REPO, "test", "moto", "server.py");
const LEFTOVERS = path.join(REPO, "test", "moto", "leftovers.py");

/** Every service the configurations call, all pointed at the moto server. */
export const SERVICES = [
  "apigateway",
  "apigatewayv2",
  "appsync",
  "cloudwatch",
  "iam",
  "lambda",
  "logs",
  "sts",
];

/** How long moto may keep refusing a call that Terraform retries before the step is stopped. */
const REFUSAL_GRACE_MS = 30_000;

/** The moto version `python3` imports, or why it cannot; null when it is the expected one. */
export async function motoProblem(): Promise<string | null> {
  const probe = ["import importlib.metadata as m, boto3, moto, moto.server", "print(m.version('moto'))"].join(
    "\n",
  );
  try {
    const version = (await run(PYTHON, ["-c", probe], REPO)).trim();
    return version === MOTO_VERSION ? null : `${PYTHON} has moto ${version}`;
  } catch (error) {
    const failure = error as Error & { cause?: NodeJS.ErrnoException };
    if (failure.cause?.code === "ENOENT") return `${PYTHON} is not on PATH`;
    const lastLine = failure.message.trim().split("\n").pop() ?? "";
    return `${PYTHON} cannot import moto (${lastLine})`;
  }
}

export interface MotoServer {
  endpoint: string;
  /** The refusals the patches logged (409s that real AWS would also answer), in order. */
  refusals: string[];
  /** Everything else the server wrote on stderr: tracebacks of moto's own failures. */
  log: string[];
  stop(): Promise<void>;
}

/** Starts test/moto/server.py on a free port of 127.0.0.1. */
export async function startMoto(): Promise<MotoServer> {
  const child = spawn(PYTHON, [SERVER, "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const refusals: string[] = [];
  const log: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    try {
      const parsed = JSON.parse(line) as { refused?: string };
      if (typeof parsed.refused === "string") {
        refusals.push(parsed.refused);
        return;
      }
    } catch {
      // not one of ours
    }
    log.push(line);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`moto_server did not start in 30 s\n${log.join("\n")}`)),
      30_000,
    );
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with status ${code}\n${log.join("\n")}`));
    });
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    refusals,
    log,
    async stop() {
      // Closing stdin stops the server; SIGTERM in case it is stuck.
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGTERM"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A provider override that sends every call of the configuration to the moto server. */
export async function writeProviderOverride(dir: string, endpoint: string): Promise<void> {
  const endpoints = SERVICES.map((service) => `    ${service.padEnd(12)} = "${endpoint}"`).join("\n");
  await writeFile(
    path.join(dir, "aws_override.tf"),
    [
      "# Written by the moto suite: every AWS call goes to its moto server, with fake credentials.",
      'provider "aws" {',
      '  region                      = "us-east-1"',
      '  access_key                  = "mock"',
      '  secret_key                  = "mock"',
      "  skip_credentials_validation = true",
      "  skip_requesting_account_id  = true",
      "  skip_metadata_api_check     = true",
      "",
      "  endpoints {",
      endpoints,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
}

export function init(dir: string): Promise<string> {
  return run(INIT_SCRIPT, [dir], dir);
}

export interface StepResult {
  code: number | null;
  output: string;
}

/**
 * Runs one Terraform command in `dir`, stopped after `timeoutMs`, or 30 s after moto refused a call
 * (a refusal Terraform retries never succeeds against moto, whose state does not lag). Resolves
 * with the exit code and the combined output; rejects only when it was stopped.
 */
export function terraform(
  dir: string,
  args: string[],
  { timeoutMs, moto }: { timeoutMs: number; moto: MotoServer },
): Promise<StepResult> {
  const label = `terraform ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd: dir, env: TERRAFORM_ENV });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const refusalsBefore = moto.refusals.length;
    let stopped: string | undefined;
    const stop = (reason: string) => {
      if (stopped) return;
      stopped = reason;
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    };
    const deadline = setTimeout(() => stop(`did not finish in ${timeoutMs / 1000} s`), timeoutMs);
    let refusedAt: number | undefined;
    const watcher = setInterval(() => {
      if (moto.refusals.length === refusalsBefore) return;
      refusedAt ??= Date.now();
      if (Date.now() - refusedAt > REFUSAL_GRACE_MS) {
        stop(`was still retrying ${REFUSAL_GRACE_MS / 1000} s after moto refused a call`);
      }
    }, 1_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(deadline);
      clearInterval(watcher);
      if (stopped) {
        reject(new Error(`${label} ${stopped}\n${explain(output, moto, refusalsBefore)}`));
      } else {
        resolve({ code, output });
      }
    });
  });
}

/** The end of a command's output, with what moto refused and any traceback it logged. */
export function explain(output: string, moto: MotoServer, refusalsFrom = 0): string {
  const refused = moto.refusals.slice(refusalsFrom);
  const tracebacks = moto.log.filter((line) => /Traceback|Error|Exception/.test(line)).slice(-20);
  return [
    tail(output, 80),
    refused.length ? `moto refused:\n  ${[...new Set(refused)].join("\n  ")}` : "",
    tracebacks.length ? `moto_server's log:\n  ${tracebacks.join("\n  ")}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** The last lines of a Terraform output, without its blank lines and refresh chatter. */
export function tail(output: string, lines: number): string {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "" && !/: (Refreshing state|Reading|Read complete)/.test(line))
    .slice(-lines)
    .join("\n");
}

/** What moto still holds: a list of names per kind of resource (test/moto/leftovers.py). */
export async function leftovers(moto: MotoServer): Promise<Record<string, string[]>> {
  return JSON.parse(await run(PYTHON, [LEFTOVERS, moto.endpoint], REPO)) as Record<string, string[]>;
}
