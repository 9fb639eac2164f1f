/**
 * `npm run token`: prints an access token from a running local stack's issuer.
 *
 *   npm run -s token -- [--scope S]… [--role R]… [--app | --user [NAME]] [--version 1.0|2.0]
 *     [--client ID] [--tenant GUID] [--audience A] [--claim NAME=VALUE]… [--lifetime SECONDS]
 *     [--claims] [--port N | --url URL]
 *
 * A user (delegated) token carries `scp` (default scope access_as_user) and no `idtyp`; an app
 * (client-credentials) token carries `roles` (default: the roles the stack grants its client),
 * `idtyp: "app"` and no `scp`, as Entra issues them. --role without --scope means an app token.
 */
import { readFile } from "node:fs/promises";
import { DEFAULT_PORT } from "./banner.js";
import { parseCliArgs, UsageError } from "./cli-args.js";
import { requestJson } from "./https-json.js";
import { REPO_ROOT } from "../local-stack.js";
import { chooseStack, localStackDir, runningStacks, type StackState } from "./state-file.js";

const USAGE =
  "Usage: npm run -s token -- [--scope S]… [--role R]… [--app | --user [NAME]] [--version 1.0|2.0] " +
  "[--client ID] [--tenant GUID] [--audience A] [--claim NAME=VALUE]… [--lifetime SECONDS] [--claims] " +
  "[--port N | --url URL]\n" +
  "       --lifetime=-600 mints an expired token; --claim values are JSON when they parse (groups='[\"g1\"]'), text otherwise.";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class CliError extends Error {
  override name = "CliError";
}

/** `--user` alone asks for a user token; `--user NAME` also names the user. */
function withBareUserFlag(args: readonly string[]): string[] {
  return args.map((arg, index) => {
    const next = args[index + 1];
    return arg === "--user" && (next === undefined || next.startsWith("-")) ? "--user=" : arg;
  });
}

/** `name=value`: the value as JSON when it parses (numbers, booleans, arrays, objects), else as text. */
function parseClaim(text: string): [string, unknown] {
  const equals = text.indexOf("=");
  const name = equals > 0 ? text.slice(0, equals) : "";
  if (name === "") throw new CliError(`--claim needs NAME=VALUE, e.g. --claim groups='["g1"]'`);
  const raw = text.slice(equals + 1);
  try {
    return [name, JSON.parse(raw) as unknown];
  } catch {
    return [name, raw];
  }
}

async function main(): Promise<void> {
  const values = parseCliArgs(withBareUserFlag(process.argv.slice(2)), {
    scope: { type: "string", multiple: true, default: [] },
    role: { type: "string", multiple: true, default: [] },
    app: { type: "boolean", default: false },
    user: { type: "string" },
    version: { type: "string" },
    client: { type: "string" },
    tenant: { type: "string" },
    audience: { type: "string" },
    claim: { type: "string", multiple: true, default: [] },
    lifetime: { type: "string" },
    claims: { type: "boolean", default: false },
    port: { type: "string" },
    url: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const state = await findStack(values.port, values.url);

  const version = values.version ?? (state.tokenVersions.includes("2.0") ? "2.0" : "1.0");
  if (version !== "1.0" && version !== "2.0") throw new CliError("--version must be 1.0 or 2.0");
  if (values.app && values.user !== undefined)
    throw new CliError("--app and --user ask for different tokens: pick one");
  const scopes = values.scope;
  const roles = values.role;
  const kind =
    values.app || (values.user === undefined && roles.length > 0 && scopes.length === 0) ? "app" : "user";
  if (kind === "app" && scopes.length > 0) {
    throw new CliError("--scope is for user tokens: app tokens carry roles, never scp");
  }
  if (values.tenant !== undefined && !GUID.test(values.tenant)) {
    throw new CliError("--tenant must be a tenant ID, a GUID");
  }
  let lifetimeSeconds: number | undefined;
  if (values.lifetime !== undefined) {
    lifetimeSeconds = Number(values.lifetime);
    if (!Number.isInteger(lifetimeSeconds)) {
      throw new CliError("--lifetime must be whole seconds; negative for an expired token (--lifetime=-600)");
    }
  }
  const claims = Object.fromEntries(values.claim.map(parseClaim));
  const request = {
    kind,
    version,
    ...(kind === "user" ? { scopes: scopes.length > 0 ? scopes : ["access_as_user"] } : {}),
    ...(kind === "app" ? { roles: roles.length > 0 ? roles : (state.client.roles ?? []) } : {}),
    ...(kind === "user" && roles.length > 0 ? { roles } : {}),
    ...(values.user !== undefined && values.user !== "" ? { userName: values.user } : {}),
    ...(values.client !== undefined
      ? { clientId: values.client }
      : kind === "app"
        ? { clientId: state.client.clientId }
        : {}),
    ...(values.audience !== undefined ? { audience: values.audience } : {}),
    ...(lifetimeSeconds !== undefined ? { lifetimeSeconds } : {}),
    ...(Object.keys(claims).length > 0 ? { claims } : {}),
  };
  const tokenUrl =
    values.tenant === undefined
      ? state.devTokenUrl
      : `${state.issuerBaseUrl}/${values.tenant.toLowerCase()}/local-dev-only/token`;

  const notRunning = `The local stack on port ${state.port} stopped answering. Start it with \`npm start\`, then retry.`;
  const response = await requestJson(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
    ca: await readFile(state.caCertPath, "utf8").catch(() => {
      throw new CliError(
        `The local CA ${state.caCertPath} is missing: restart the stack with \`npm start\`.`,
      );
    }),
    timeoutMs: 5000,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof CliError) throw error;
    throw new CliError(
      error.code === "ECONNREFUSED" ? notRunning : `The local issuer did not answer: ${error.message}`,
    );
  });
  const body = response.json as { access_token?: string; error_description?: string } | undefined;
  if (response.status !== 200 || typeof body?.access_token !== "string") {
    throw new CliError(`The local issuer refused: ${body?.error_description ?? response.text}`);
  }
  if (values.claims) {
    const payload = body.access_token.split(".")[1] ?? "";
    console.log(JSON.stringify(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")), null, 2));
    return;
  }
  console.log(body.access_token);
}

async function findStack(port: string | undefined, url: string | undefined): Promise<StackState> {
  if (port !== undefined && url !== undefined)
    throw new CliError("--port and --url name the stack twice: pick one");
  let wanted: number | undefined;
  if (port !== undefined) {
    wanted = Number(port);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > 65535)
      throw new CliError("--port must be a port number");
  } else if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError("--url must be the local API's URL, such as http://127.0.0.1:3000");
    }
    wanted = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  }
  const preferred = Number(process.env.PORT ?? DEFAULT_PORT);
  const choice = chooseStack(await runningStacks(localStackDir(REPO_ROOT)), wanted, preferred);
  if ("error" in choice) throw new CliError(choice.error);
  return choice.state;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof CliError ? error.message : error);
  process.exitCode = 1;
});
