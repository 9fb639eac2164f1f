/**
 * One Lambda execution environment, driven over the IPC channel by local/lambda-sandbox.ts.
 *
 * Plain JavaScript with no loader on purpose: the function bundle must run here exactly as it runs
 * on Lambda's Node.js runtime, with no TypeScript hooks that could hide a packaging mistake.
 *
 * Protocol (parent → worker): { type: "invoke", id, event, context }, where `event` is JSON text.
 * Worker → parent: { type: "ready" } | { type: "init-error", errorType, errorMessage } once, then
 * per invocation { type: "result", id, payload } (JSON text) or { type: "error", id, errorType,
 * errorMessage, trace }. After each invocation an end marker is written to stdout and stderr so
 * the parent can tell which log lines belong to it.
 */

import { existsSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const END_MARKER = "\u0000LAMBDA_SANDBOX_END ";
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerSetting = process.env._HANDLER ?? "index.handler";

/** Request id of the invocation in progress; Lambda prints "undefined" during init. */
let currentRequestId;
/** @type {{ id: string } | undefined} */
let currentInvocation;
let initialized = false;

register(new URL("./lambda-layer-hooks.mjs", import.meta.url), {
  data: { nodeModulesDirs: (process.env.NODE_PATH ?? "").split(":").filter(Boolean) },
});
patchConsole();

// Lambda discards the environment when its runtime loses the parent; so does this worker.
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (error) => failAndExit(error, errorName(error)));
process.on("unhandledRejection", (reason) => failAndExit(reason, "Runtime.UnhandledPromiseRejection"));

const handler = await loadHandler();
if (handler !== undefined) {
  process.on("message", (message) => {
    if (message?.type === "invoke") void invoke(handler, message);
  });
  initialized = true;
  send({ type: "ready" });
}

async function loadHandler() {
  // "dir/index.handler": the module path is up to the first dot of the last path segment.
  const slash = handlerSetting.lastIndexOf("/");
  const dot = handlerSetting.indexOf(".", slash + 1);
  if (dot < 0) {
    initError("Runtime.MalformedHandlerName", `Bad handler ${handlerSetting}: missing module part`);
    return undefined;
  }
  const modulePath = handlerSetting.slice(0, dot);
  const handlerPath = handlerSetting.slice(dot + 1).split(".");
  const file = [".mjs", ".js", ".cjs"]
    .map((extension) => join(taskRoot, `${modulePath}${extension}`))
    .find(existsSync);
  if (file === undefined) {
    initError("Runtime.ImportModuleError", `Error: Cannot find module '${modulePath}'`);
    return undefined;
  }
  let loaded;
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    const type =
      error instanceof SyntaxError
        ? "Runtime.UserCodeSyntaxError"
        : error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "MODULE_NOT_FOUND"
          ? "Runtime.ImportModuleError"
          : errorName(error);
    console.error(`${type}: ${error?.stack ?? error}`);
    initError(
      type,
      type === "Runtime.ImportModuleError" ? `Error: ${error?.message}` : String(error?.message ?? error),
    );
    return undefined;
  }
  // A CommonJS module arrives as the default export.
  const found = walk(loaded, handlerPath) ?? walk(loaded?.default, handlerPath);
  if (typeof found !== "function") {
    initError("Runtime.HandlerNotFound", `${handlerSetting} is undefined or not exported`);
    return undefined;
  }
  return found;
}

function walk(root, path) {
  let value = root;
  for (const key of path) value = value?.[key];
  return value;
}

async function invoke(handler, message) {
  const { id, context: contextData } = message;
  currentInvocation = { id };
  currentRequestId = contextData.awsRequestId;
  process.env._X_AMZN_TRACE_ID = contextData.traceId;
  const deadline = contextData.deadlineMs;
  const context = {
    ...contextData,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  delete context.deadlineMs;
  delete context.traceId;
  let outcome;
  try {
    const event = JSON.parse(message.event);
    const result = await callHandler(handler, event, context);
    // Lambda serializes the return value as JSON; `undefined` becomes null.
    outcome = { type: "result", id, payload: JSON.stringify(result === undefined ? null : result) };
  } catch (error) {
    outcome = errorMessage(id, error, errorName(error));
    console.error(
      `Invoke Error \t${JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage })}`,
    );
  }
  finishInvocation(outcome);
}

function callHandler(handler, event, context) {
  // Callback-style handlers (three parameters) are still supported by the Node.js 22 runtime.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const callback = (error, result) => (error ? reject(error) : resolve(result));
      Promise.resolve(handler(event, context, callback)).then((value) => {
        if (value !== undefined) resolve(value);
      }, reject);
    });
  }
  return Promise.resolve(handler(event, context));
}

function finishInvocation(outcome) {
  const { id } = currentInvocation ?? { id: outcome.id };
  currentInvocation = undefined;
  currentRequestId = undefined;
  process.stdout.write(`${END_MARKER}${id}\n`);
  process.stderr.write(`${END_MARKER}${id}\n`);
  send(outcome);
}

function failAndExit(error, errorType) {
  console.error(`${errorType}: ${error?.stack ?? error}`);
  if (currentInvocation !== undefined) {
    finishInvocation(errorMessage(currentInvocation.id, error, errorType));
  } else if (!initialized) {
    send({ type: "init-error", errorType, errorMessage: String(error?.message ?? error) });
  }
  // Like Lambda after an uncaught error: this environment is done.
  setTimeout(() => process.exit(129), 50);
}

function errorMessage(id, error, errorType) {
  return {
    type: "error",
    id,
    errorType,
    errorMessage: error instanceof Error ? error.message : String(error),
    trace: error instanceof Error && typeof error.stack === "string" ? error.stack.split("\n") : [],
  };
}

function errorName(error) {
  if (error instanceof Error) return error.name;
  return typeof error === "string" ? "string" : "Error";
}

function initError(errorType, message) {
  send({ type: "init-error", errorType, errorMessage: message });
}

function send(message) {
  if (process.connected) process.send(message);
}

/**
 * The Node.js runtime's console: the text format (timestamp, request id, level, message), or with
 * AWS_LAMBDA_LOG_FORMAT=JSON one JSON object per call, and methods below AWS_LAMBDA_LOG_LEVEL
 * turned into no-ops, as the runtime interface client's LogPatch does.
 */
function patchConsole() {
  const priority = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";
  const minimum = json ? (priority[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? ""] ?? 1) : 1;
  const levels = [
    ["log", "INFO", process.stdout],
    ["info", "INFO", process.stdout],
    ["debug", "DEBUG", process.stdout],
    ["trace", "TRACE", process.stdout],
    ["warn", "WARN", process.stderr],
    ["error", "ERROR", process.stderr],
    ["fatal", "FATAL", process.stderr],
  ];
  for (const [method, level, stream] of levels) {
    if (priority[level] < minimum) {
      console[method] = () => undefined;
    } else if (json) {
      console[method] = (...args) => {
        const entry = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
        let line;
        try {
          line = JSON.stringify({ ...entry, message: args.length === 1 ? args[0] : format(...args) });
        } catch {
          line = JSON.stringify({ ...entry, message: format(...args) });
        }
        stream.write(`${line.replace(/\n/g, "\r")}\n`);
      };
    } else {
      console[method] = (...args) => {
        stream.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`);
      };
    }
  }
}
