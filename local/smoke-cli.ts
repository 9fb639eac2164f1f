/**
 * `npm run smoke`: checks a deployed (or local) API end to end with a real Entra token.
 *
 *   npm run smoke -- --url URL --tenant ID --client-id ID --client-secret SECRET \
 *     --scope api://<app>/.default [--authority-host HOST] [--method GET]
 *
 * The secret may come from SMOKE_CLIENT_SECRET instead, to keep it out of shell history.
 * Exit code: 0 all checks passed, 1 a check failed, 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { formatReport, runSmoke } from "./smoke.js";

const USAGE =
  "Usage: npm run smoke -- --url URL --tenant TENANT_ID --client-id CLIENT_ID --client-secret SECRET " +
  "--scope api://<app>/.default [--authority-host HOST] [--method GET]\n" +
  "       (or set SMOKE_CLIENT_SECRET instead of --client-secret)";

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        url: { type: "string" },
        tenant: { type: "string" },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        scope: { type: "string" },
        "authority-host": { type: "string" },
        method: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
