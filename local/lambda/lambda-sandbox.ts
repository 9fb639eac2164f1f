/**
 * Runs a built Lambda zip the way the Lambda service does, in a long-lived child process: the
 * function in <workDir>/var/task, layers in <workDir>/opt, a clean Lambda-like environment, one
 * invocation at a time, a timeout that discards the environment, and the function's log lines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractZip } from "./unzip.js";

export interface LambdaSandboxOptions {
  zipPath: string;
  /** Extracted into <workDir>/opt in order; later layers overwrite earlier ones, as on Lambda. */
  layerZipPaths?: string[];
  /** Function environment variables, on top of the ones Lambda sets. */
  env?: Record<string, string>;
  /** Default index.handler. */
  handler?: string;
  /** Default 10_000. */
  timeoutMs?: number;
  /** Function name; default "local-function". */
  name?: string;
  /**
   * Default: a fresh directory under the OS temp dir, removed on close. Keep it outside any tree
   * with a node_modules folder, or module lookups could find packages Lambda would not.
   */
  workDir?: string;
  /**
   * Lambda's logging_config. JSON: Lambda sets AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL,
   * the runtime writes console output as JSON and drops levels below it, and Lambda drops JSON lines
   * whose `level` is below it. Default: Text, unfiltered.
   */
  logging?: { format: "JSON"; applicationLogLevel: LogLevelName } | { format: "Text" };
  /** Default 128 (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, context.memoryLimitInMB). */
  memorySizeMb?: number;
  /** Limit for loading the handler module on a cold start. Default 10_000, Lambda's init limit. */
  initTimeoutMs?: number;
  /** Called for each log line as it arrives, e.g. to print it. */
  onLog?: (line: string, stream: "stdout" | "stderr") => void;
  /** Called when a worker (execution environment) starts, with its process id. */
  onWorkerStart?: (pid: number) => void;
  /** Lines kept in `logs`; the oldest are dropped beyond this. Default 50_000. */
  maxLogLines?: number;
}

export interface LambdaContextLike {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export interface InvokeResult {
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  timedOut: boolean;
  /** Handler time, excluding a cold start's init. */
  durationMs: number;
  /** Set on a cold start: time to start the runtime and load the handler module. */
  initDurationMs?: number;
  /** Lines printed during this invocation (including a cold start's init). */
  logs: string[];
}

export type LogLevelName = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
const LOG_PRIORITY: Record<LogLevelName, number> = {
  TRACE: 1,
  DEBUG: 2,
  INFO: 3,
  WARN: 4,
  ERROR: 5,
  FATAL: 6,
};

const WORKER_PATH = fileURLToPath(new URL("./lambda-worker.mjs", import.meta.url));
const END_MARKER = "\u0000LAMBDA_SANDBOX_END ";
const ACCOUNT_ID = "123456789012";
const REGION = "us-east-1";
/** How long to wait for an invocation's end markers on stdout/stderr after its result. */
const LOG_FLUSH_LIMIT_MS = 1000;

type WorkerMessage =
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string }
  | { type: "result"; id: string; payload: string }
  | { type: "error"; id: string; errorType: string; errorMessage: string };

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: boolean;
  hasInvoked: boolean;
  /** End markers seen per invocation id and stream. */
  markers: Map<string, Set<"stdout" | "stderr">>;
  onMarker?: () => void;
  onMessage?: (message: WorkerMessage) => void;
  onExit?: () => void;
  exitDescription: string;
}

export class LambdaSandbox {
  readonly logs: string[] = [];
  readonly name: string;
  readonly #options: LambdaSandboxOptions;
  readonly #workDir: string;
  readonly #ownsWorkDir: boolean;
  readonly #taskRoot: string;
  readonly #optRoot: string;
  readonly #timeoutMs: number;
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #collector: string[] | undefined;
  #closed = false;
  #invocationCount = 0;
  #coldStartCount = 0;

  private constructor(options: LambdaSandboxOptions, workDir: string, ownsWorkDir: boolean) {
    this.#options = options;
    this.name = options.name ?? "local-function";
    this.#workDir = workDir;
    this.#ownsWorkDir = ownsWorkDir;
    this.#taskRoot = join(workDir, "var", "task");
    this.#optRoot = join(workDir, "opt");
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Extracts the zips; the worker itself starts on the first invocation (a cold start). */
  static async start(options: LambdaSandboxOptions): Promise<LambdaSandbox> {
    const ownsWorkDir = options.workDir === undefined;
    const workDir = resolve(options.workDir ?? (await mkdtemp(join(tmpdir(), "lambda-sandbox-"))));
    const sandbox = new LambdaSandbox(options, workDir, ownsWorkDir);
    try {
      await mkdir(sandbox.#taskRoot, { recursive: true });
      await mkdir(sandbox.#optRoot, { recursive: true });
      await extractZip(options.zipPath, sandbox.#taskRoot);
      for (const layer of options.layerZipPaths ?? []) await extractZip(layer, sandbox.#optRoot);
    } catch (error) {
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    return sandbox;
  }

  /** True until an invocation completes in the current execution environment. */
  get coldStart(): boolean {
    return this.#worker === undefined || !this.#worker.hasInvoked;
  }

  /** Process id of the current execution environment, if one is running. */
  get workerPid(): number | undefined {
    return this.#worker?.hasExited === false ? this.#worker.child.pid : undefined;
  }

  get invocationCount(): number {
    return this.#invocationCount;
  }

  /** Execution environments started so far. */
  get coldStartCount(): number {
    return this.#coldStartCount;
  }

  get taskRoot(): string {
    return this.#taskRoot;
  }

  /** Invokes the function; calls queue behind each other, as in one execution environment. */
  invoke(event: unknown, context?: Partial<LambdaContextLike>): Promise<InvokeResult> {
    if (this.#closed) return Promise.reject(new Error(`Lambda sandbox '${this.name}' is closed`));
    const run = this.#queue.then(() => this.#invokeNow(event, context));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#discardWorker();
    if (this.#ownsWorkDir) await rm(this.#workDir, { recursive: true, force: true });
  }

  async #invokeNow(event: unknown, context: Partial<LambdaContextLike> | undefined): Promise<InvokeResult> {
    if (this.#closed) throw new Error(`Lambda sandbox '${this.name}' is closed`);
    this.#invocationCount += 1;
    const logs: string[] = [];
    this.#collector = logs;
    try {
      let initDurationMs: number | undefined;
      if (this.#worker === undefined) {
        const initStarted = performance.now();
        const init = await this.#startWorker();
        initDurationMs = performance.now() - initStarted;
        if (init !== undefined) {
          await this.#discardWorker();
          return { error: init, timedOut: false, durationMs: 0, initDurationMs, logs };
        }
      }
      const worker = this.#worker;
      if (worker === undefined) throw new Error("worker missing after start");
      const result = await this.#runInvocation(worker, event, context);
      return { ...result, ...(initDurationMs !== undefined ? { initDurationMs } : {}), logs };
    } finally {
      this.#collector = undefined;
    }
  }

  /** Starts a worker; resolves with an init error, or undefined when the handler is loaded. */
  #startWorker(): Promise<{ errorType: string; errorMessage: string } | undefined> {
    const memory = this.#options.memorySizeMb ?? 128;
    const nodePath = [
      join(this.#optRoot, "nodejs", "node22", "node_modules"),
      join(this.#optRoot, "nodejs", "node_modules"),
      this.#taskRoot,
    ].join(":");
    // A clean environment like Lambda's: nothing from the parent but PATH.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: "en_US.UTF-8",
      TZ: "UTC",
      LAMBDA_TASK_ROOT: this.#taskRoot,
      NODE_PATH: nodePath,
      _HANDLER: this.#options.handler ?? "index.handler",
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_LAMBDA_FUNCTION_NAME: this.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
      ...(this.#options.logging?.format === "JSON"
        ? { AWS_LAMBDA_LOG_FORMAT: "JSON", AWS_LAMBDA_LOG_LEVEL: this.#options.logging.applicationLogLevel }
        : {}),
      ...this.#options.env,
    };
    const child = spawn(process.execPath, [WORKER_PATH], {
      cwd: this.#taskRoot,
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    this.#coldStartCount += 1;
    let markExited: () => void = () => undefined;
    const worker: Worker = {
      child,
      exited: new Promise<void>((resolveExit) => {
        markExited = resolveExit;
      }),
      hasExited: false,
      hasInvoked: false,
      markers: new Map(),
      exitDescription: "",
    };
    this.#worker = worker;
    this.#attachStream(worker, "stdout");
    this.#attachStream(worker, "stderr");
    child.on("message", (message: WorkerMessage) => worker.onMessage?.(message));
    child.on("error", (error) => {
      worker.exitDescription = error.message;
    });
    child.on("exit", (code, signal) => {
      worker.hasExited = true;
      worker.exitDescription ||= signal !== null ? `signal: ${signal}` : `exit status ${code ?? "unknown"}`;
      worker.onExit?.();
      markExited();
    });
    if (child.pid !== undefined) this.#options.onWorkerStart?.(child.pid);

    return new Promise((resolveInit) => {
      const timer = setTimeout(() => {
        finish({
          errorType: "Runtime.InitTimeout",
          errorMessage: `Init phase did not finish within ${this.#options.initTimeoutMs ?? 10_000} ms`,
        });
      }, this.#options.initTimeoutMs ?? 10_000);
      const finish = (outcome: { errorType: string; errorMessage: string } | undefined): void => {
        clearTimeout(timer);
        worker.onMessage = undefined;
        worker.onExit = undefined;
        resolveInit(outcome);
      };
      worker.onMessage = (message) => {
        if (message.type === "ready") finish(undefined);
        if (message.type === "init-error")
          finish({ errorType: message.errorType, errorMessage: message.errorMessage });
      };
      worker.onExit = () =>
        finish({
          errorType: "Runtime.ExitError",
          errorMessage: `Runtime exited during init with error: ${worker.exitDescription}`,
        });
    });
  }

  async #runInvocation(
    worker: Worker,
    event: unknown,
    context: Partial<LambdaContextLike> | undefined,
  ): Promise<Omit<InvokeResult, "logs" | "initDurationMs">> {
    const id = randomUUID();
    const awsRequestId = context?.awsRequestId ?? randomUUID();
    const started = performance.now();
    const deadlineMs = Date.now() + this.#timeoutMs;
    const contextData = {
      awsRequestId,
      functionName: this.name,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${this.name}`,
      memoryLimitInMB: String(this.#options.memorySizeMb ?? 128),
      logGroupName: `/aws/lambda/${this.name}`,
      logStreamName: logStreamName(),
      ...withoutFunctions(context),
      deadlineMs,
      traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)};Sampled=0`,
    };

    const outcome = await new Promise<
      { kind: "message"; message: WorkerMessage } | { kind: "timeout" } | { kind: "exit" }
    >((resolveOutcome) => {
      const timer = setTimeout(() => resolveOutcome({ kind: "timeout" }), this.#timeoutMs);
      worker.onMessage = (message) => {
        if ((message.type === "result" || message.type === "error") && message.id === id) {
          clearTimeout(timer);
          resolveOutcome({ kind: "message", message });
        }
      };
      worker.onExit = () => {
        clearTimeout(timer);
        resolveOutcome({ kind: "exit" });
      };
      try {
        worker.child.send({ type: "invoke", id, event: JSON.stringify(event ?? null), context: contextData });
      } catch {
        clearTimeout(timer);
        resolveOutcome({ kind: "exit" });
      }
    });
    worker.onMessage = undefined;
    worker.onExit = undefined;
    const durationMs = performance.now() - started;

    if (outcome.kind === "timeout") {
      // Lambda throws the environment away after a timeout; the next call starts a new one.
      await this.#discardWorker();
      const seconds = (this.#timeoutMs / 1000).toFixed(2);
      return {
        error: { errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${seconds} seconds` },
        timedOut: true,
        durationMs,
      };
    }
    if (outcome.kind === "exit") {
      await this.#discardWorker();
      return {
        error: {
          errorType: "Runtime.ExitError",
          errorMessage: `RequestId: ${awsRequestId} Error: Runtime exited with error: ${worker.exitDescription}`,
        },
        timedOut: false,
        durationMs,
      };
    }

    await this.#waitForMarkers(worker, id);
    worker.hasInvoked = true;
    const { message } = outcome;
    if (message.type === "result") {
      return { result: JSON.parse(message.payload) as unknown, timedOut: false, durationMs };
    }
    if (message.type === "error") {
      return {
        error: { errorType: message.errorType, errorMessage: message.errorMessage },
        timedOut: false,
        durationMs,
      };
    }
    throw new Error(`unexpected worker message ${message.type}`);
  }

  #waitForMarkers(worker: Worker, id: string): Promise<void> {
    return new Promise((resolveWait) => {
      const done = (): boolean => (worker.markers.get(id)?.size ?? 0) === 2 || worker.hasExited;
      if (done()) {
        worker.markers.delete(id);
        resolveWait();
        return;
      }
      const timer = setTimeout(finish, LOG_FLUSH_LIMIT_MS);
      function finish(): void {
        clearTimeout(timer);
        worker.onMarker = undefined;
        worker.markers.delete(id);
        resolveWait();
      }
      worker.onMarker = () => {
        if (done()) finish();
      };
    });
  }

  #attachStream(worker: Worker, stream: "stdout" | "stderr"): void {
    const source = worker.child[stream];
    if (source === null) return;
    source.setEncoding("utf8");
    let buffered = "";
    const emit = (line: string): void => {
      const markerAt = line.indexOf(END_MARKER);
      if (markerAt >= 0) {
        const id = line.slice(markerAt + END_MARKER.length).trim();
        const seen = worker.markers.get(id) ?? new Set();
        seen.add(stream);
        worker.markers.set(id, seen);
        // A handler that printed without a trailing newline leaves text before the marker.
        if (markerAt > 0) this.#recordLine(line.slice(0, markerAt), stream);
        worker.onMarker?.();
        return;
      }
      this.#recordLine(line, stream);
    };
    source.on("data", (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        emit(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
      }
    });
    source.on("end", () => {
      if (buffered.length > 0) emit(buffered);
      buffered = "";
    });
  }

  #recordLine(line: string, stream: "stdout" | "stderr"): void {
    if (this.#belowLogLevel(line)) return;
    this.logs.push(line);
    const limit = this.#options.maxLogLines ?? 50_000;
    // Trim in batches so a long benchmark does not pay for a shift on every line.
    if (this.logs.length > limit * 1.1) this.logs.splice(0, this.logs.length - limit);
    this.#collector?.push(line);
    this.#options.onLog?.(line, stream);
  }

  /** Lambda's own filter in JSON format: a JSON line whose `level` ranks below the function's level. */
  #belowLogLevel(line: string): boolean {
    const logging = this.#options.logging;
    if (logging?.format !== "JSON" || !line.startsWith("{")) return false;
    let level: unknown;
    try {
      level = (JSON.parse(line) as { level?: unknown }).level;
    } catch {
      return false;
    }
    const priority =
      typeof level === "string" ? LOG_PRIORITY[level.toUpperCase() as LogLevelName] : undefined;
    return priority !== undefined && priority < LOG_PRIORITY[logging.applicationLogLevel];
  }

  async #discardWorker(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined || worker.hasExited) return;
    worker.child.kill("SIGKILL");
    await worker.exited;
  }
}

function logStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return `${date}/[$LATEST]${randomUUID().replaceAll("-", "")}`;
}

function withoutFunctions(context: Partial<LambdaContextLike> | undefined): Record<string, unknown> {
  if (context === undefined) return {};
  return Object.fromEntries(Object.entries(context).filter(([, value]) => typeof value !== "function"));
}
