/**
 * `npm run smoke`: checks a deployed (or local) API end to end with a real Entra token.
 *
 *   SMOKE_CLIENT_SECRET=… npm run -s smoke -- --url URL --tenant ID --client-id ID \
 *     --scope api://<app>/.default [--authority-host HOST] [--method GET]
 *
 * The secret comes from SMOKE_CLIENT_SECRET (or --client-secret, which npm echoes unless -s and the
 * shell keeps in its history); nothing here prints it. Exit code: 0 all checks passed, 1 a check
 * failed, 2 bad arguments.
 */
import { existsSync } from "node:fs";
import { parseCliArgs, UsageError } from "./cli-args.js";
import { formatReport, runSmoke } from "./smoke.js";

const USAGE =
  "Usage: SMOKE_CLIENT_SECRET=… npm run -s smoke -- --url URL --tenant TENANT_ID --client-id CLIENT_ID " +
  "--scope api://<app>/.default [--authority-host HOST] [--method GET]\n" +
  "       (--client-secret SECRET also works, but npm without -s prints it, and the shell keeps it in its history)";

const LOCAL_HOSTS = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseCliArgs(process.argv.slice(2), {
      url: { type: "string" },
      tenant: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      scope: { type: "string" },
      "authority-host": { type: "string" },
      method: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const clientSecret = text("client-secret") ?? process.env.SMOKE_CLIENT_SECRET;
  const missing = ["url", "tenant", "client-id", "scope"].filter((name) => text(name) === undefined);
  if (clientSecret === undefined || clientSecret === "") missing.push("client-secret");
  if (missing.length > 0) {
    console.error(`Missing ${missing.map((name) => `--${name}`).join(", ")}\n${USAGE}`);
    return 2;
  }
  const scope = text("scope") as string;
  if (!scope.endsWith("/.default")) {
    console.error(
      `--scope must end with /.default for client credentials, e.g. api://my-api/.default (got ${scope})`,
    );
    return 2;
  }
  const url = text("url") as string;
  try {
    new URL(url);
  } catch {
    console.error(
      `--url must be a full URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/auth (got ${url})`,
    );
    return 2;
  }

  const authorityHost = text("authority-host");
  if (text("client-secret") !== undefined && process.env.npm_config_loglevel !== "silent") {
    // npm echoes a script's arguments unless run with -s: the secret is on the screen above.
    console.error(
      "Warning: the client secret was given with --client-secret, so npm printed it and your shell history keeps it. " +
        "Prefer SMOKE_CLIENT_SECRET=… npm run -s smoke -- …",
    );
  }
  const caProblem = localCaProblem(authorityHost);
  if (caProblem !== undefined) {
    console.error(caProblem);
    return 2;
  }
  const method = text("method");
  const report = await runSmoke({
    url,
    tenantId: text("tenant") as string,
    clientId: text("client-id") as string,
    clientSecret: clientSecret as string,
    scope,
    ...(authorityHost !== undefined ? { authorityHost } : {}),
    ...(method !== undefined ? { method: method.toUpperCase() } : {}),
  });
  console.log(formatReport(report));
  return report.ok ? 0 : 1;
}

/**
 * A local issuer speaks HTTPS with the local stack's throwaway CA, which Node (and so MSAL) trusts
 * only through NODE_EXTRA_CA_CERTS, read at start-up: say so before MSAL fails with a TLS error.
 */
function localCaProblem(authorityHost: string | undefined): string | undefined {
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  if (extraCa !== undefined && extraCa !== "" && !existsSync(extraCa)) {
    return `NODE_EXTRA_CA_CERTS names ${extraCa}, which does not exist: the local CA is created by \`npm start\` (in .local/ca.pem).`;
  }
  if (
    authorityHost !== undefined &&
    LOCAL_HOSTS.test(authorityHost) &&
    (extraCa === undefined || extraCa === "")
  ) {
    return (
      `The local issuer ${authorityHost} uses the local stack's CA, which this process does not trust: ` +
      "run with NODE_EXTRA_CA_CERTS=.local/ca.pem (created by `npm start`)."
    );
  }
  return undefined;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
