/**
 * `npm run token`: prints an access token from the running local stack's issuer.
 *
 *   npm run -s token -- [--scope S]… [--role R]… [--version 1.0|2.0] [--user NAME] [--audience A] [--claims]
 *
 * With --role and no --scope it is an app token (the client-credentials shape: roles, no scp);
 * otherwise a delegated token for a dev user (default scope access_as_user).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { requestJson } from "./https-json.js";
import { REPO_ROOT } from "./local-stack.js";
import { localStackDir, readStackState } from "./state-file.js";

const NOT_RUNNING =
  "The local stack is not running. Start it in another terminal with `npm start`, then retry.";

class CliError extends Error {
  override name = "CliError";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scope: { type: "string", multiple: true, default: [] },
      role: { type: "string", multiple: true, default: [] },
      version: { type: "string" },
      user: { type: "string" },
      audience: { type: "string" },
      claims: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: npm run -s token -- [--scope S]… [--role R]… [--version 1.0|2.0] [--user NAME] [--audience A] [--claims]",
    );
    return;
  }
  const state = await readStackState(localStackDir(REPO_ROOT));
  if (state === undefined) throw new CliError(NOT_RUNNING);

  const version = values.version ?? (state.tokenVersions.includes("2.0") ? "2.0" : "1.0");
  if (version !== "1.0" && version !== "2.0") throw new CliError("--version must be 1.0 or 2.0");
  const scopes = values.scope;
  const roles = values.role;
  const kind = roles.length > 0 && scopes.length === 0 ? "app" : "user";
  const request = {
    kind,
    version,
    ...(kind === "user" ? { scopes: scopes.length > 0 ? scopes : ["access_as_user"] } : {}),
    ...(roles.length > 0 ? { roles } : {}),
    ...(values.user !== undefined ? { userName: values.user } : {}),
    ...(kind === "app" ? { clientId: state.client.clientId } : {}),
    ...(values.audience !== undefined ? { audience: values.audience } : {}),
  };

  const response = await requestJson(state.devTokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
    ca: await readFile(state.caCertPath, "utf8"),
    timeoutMs: 5000,
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      error.code === "ECONNREFUSED" ? NOT_RUNNING : `The local issuer did not answer: ${error.message}`,
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

main().catch((error: unknown) => {
  console.error(
    error instanceof CliError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
      ? (error as Error).message
      : error,
  );
  process.exitCode = 1;
});
