/**
 * `npm start`: builds dist/ when stale, then runs the local stack in the foreground until Ctrl-C.
 *
 *   tsx local/start.ts [--port N] [--issuer-port N] [--config FILE] [--api http|rest|appsync]
 *     [--rest-authorizer-type TOKEN|REQUEST] [--field-permissions JSON] [--no-build] [--quiet]
 */
import { mkdir } from "node:fs/promises";
import { banner, DEFAULT_PORT } from "./banner.js";
import { parseCliArgs, UsageError } from "./cli-args.js";
import { ensureDist } from "../lambda/dist-build.js";
import { type FieldRule, issuerApiApp, type LocalStack, REPO_ROOT, startLocalStack } from "../local-stack.js";
import {
  DEFAULT_SETTINGS,
  type LocalStackSettings,
  loadSettingsFile,
  SettingsError,
} from "../stack-settings.js";
import { localStackDir, removeStackState, writeStackState } from "./state-file.js";

const LOCAL_DIR = localStackDir(REPO_ROOT);
const USAGE =
  "Usage: npm start -- [--port N] [--issuer-port N] [--config FILE] [--api http|rest|appsync] [--rest-authorizer-type TOKEN|REQUEST] [--field-permissions JSON] [--no-build] [--quiet]";

async function main(): Promise<number> {
  const values = parseCliArgs(process.argv.slice(2), {
    port: { type: "string" },
    "issuer-port": { type: "string" },
    config: { type: "string" },
    api: { type: "string" },
    "rest-authorizer-type": { type: "string" },
    "field-permissions": { type: "string" },
    "no-build": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = portNumber(values.port ?? process.env.PORT ?? String(DEFAULT_PORT), "--port");
  const issuerPort = portNumber(values["issuer-port"] ?? "0", "--issuer-port");

  const frontDoor = oneOf(values.api ?? "http", "--api", ["http", "rest", "appsync"] as const);
  const restAuthorizerType =
    values["rest-authorizer-type"] === undefined
      ? undefined
      : oneOf(values["rest-authorizer-type"].toUpperCase(), "--rest-authorizer-type", [
          "TOKEN",
          "REQUEST",
        ] as const);
  const fieldPermissions =
    values["field-permissions"] === undefined ? undefined : fieldRules(values["field-permissions"]);

  let settings: LocalStackSettings = { ...DEFAULT_SETTINGS };
  if (values.config !== undefined) {
    const loaded = await loadSettingsFile(values.config);
    for (const warning of loaded.warnings) console.warn(`config: ${warning}`);
    settings = loaded.settings;
  }
  if (!values["no-build"]) await ensureDist(REPO_ROOT, (line) => console.log(line));
  await mkdir(LOCAL_DIR, { recursive: true });

  const stack = await startLocalStack({
    port,
    issuerPort,
    settings,
    tlsDir: LOCAL_DIR,
    frontDoor,
    ...(restAuthorizerType !== undefined ? { restAuthorizerType } : {}),
    ...(fieldPermissions !== undefined ? { fieldPermissions } : {}),
    log: (line) => console.log(line),
    onFunctionLog: values.quiet ? undefined : (name, line) => console.log(`  ${name} │ ${line}`),
    onWorkerStart: (name, pid) =>
      console.log(`  ${name} │ execution environment started (pid ${pid}, cold start)`),
  });
  const api = issuerApiApp(stack.settings);
  await writeStackState(LOCAL_DIR, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    port: stack.port,
    url: stack.url,
    routes: Object.keys(stack.settings.routes),
    tenantId: stack.settings.tenantId.toLowerCase(),
    issuerBaseUrl: stack.issuer.baseUrl,
    authorityHost: stack.issuer.authorityHost,
    devTokenUrl: `${stack.issuer.baseUrl}/${stack.settings.tenantId.toLowerCase()}/local-dev-only/token`,
    caCertPath: stack.tls.caCertPath,
    tokenVersions: stack.settings.tokenVersions,
    api: { appId: api.appId, identifierUri: api.identifierUri },
    client: stack.client,
  });
  console.log(banner(stack, REPO_ROOT, api));
  return waitForSignal(stack);
}

function waitForSignal(stack: LocalStack): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second Ctrl-C: the user does not want to wait for a clean stop.
        console.error(`${signal} again: exiting without cleaning up`);
        process.exit(1);
      }
      stopping = true;
      console.log(`\n${signal}: stopping the local stack…`);
      Promise.all([stack.close(), removeStackState(LOCAL_DIR, stack.port)])
        .then(() => {
          console.log("Stopped.");
          resolve(0);
        })
        .catch((error: unknown) => {
          console.error(`Stopping failed: ${(error as Error).message}`);
          resolve(1);
        });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be ${allowed.join(", ")}.`);
  }
  return value as T;
}

function fieldRules(json: string): Record<string, FieldRule> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new SettingsError(
      "--field-permissions",
      'must be JSON, such as \'{"Mutation.deleteTask":{"roles":["Tasks.Admin"]}}\'',
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError("--field-permissions", 'must be a JSON object of "Type.field" or "*" → rule');
  }
  return parsed as Record<string, FieldRule>;
}

function portNumber(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(flag, `must be a port number (0 to 65535), got '${value}'`);
  }
  return port;
}

main().then(
  // Exit explicitly: a clean stop has closed everything, and a leftover handle must not keep a
  // terminal waiting.
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      console.error(
        `The port is already in use: ${(error as Error).message}. Pick another with --port N (or PORT=N).`,
      );
    } else if (error instanceof SettingsError) {
      console.error(`Configuration error: ${error.message}`);
    } else if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
