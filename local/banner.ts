/** The start-up banner of `npm start`: where things are, and a curl to paste. */
import { relative } from "node:path";
import type { LocalStack } from "./local-stack.js";

export function banner(stack: LocalStack, repoRoot: string): string {
  const { settings } = stack;
  const example = exampleRequest(settings.routes);
  const method = example.method === "GET" ? "" : `-X ${example.method} `;
  const url = `${stack.url}${example.path}`;
  const permissions = Object.keys(settings.routePermissions);
  const lines = [
    "",
    "Entra ID protected HTTP API, running locally (no AWS)",
    "",
    `  API            ${stack.url}`,
    `  Routes         ${settings.routes.join(", ")}`,
    `  Permissions    ${permissions.length === 0 ? "none: any valid token with a scope or role" : permissions.join(", ")}`,
    `  Authorizer     ${settings.authorizerResponseMode} responses, cache ${settings.authorizerCacheTtlSeconds} s, timeout ${settings.timeoutSeconds} s`,
    `  Entra issuer   ${stack.issuer.baseUrl}/${settings.tenantId}/v2.0   (local, dev only)`,
    `  Audiences      ${[settings.audience, ...settings.additionalAudiences].join(", ")}   token versions ${settings.tokenVersions.join(", ")}`,
    `  Local CA       ${relative(repoRoot, stack.tls.caCertPath)}`,
    "",
    "Try it:",
    `  curl -i ${method}${url}`,
    "      → 401, no token",
    `  curl -i ${method}-H "Authorization: Bearer $(npm run -s token)" ${url}`,
    "      → 200, the backend names the caller",
    "",
    "Other tokens: npm run -s token -- --scope NAME | --role NAME | --version 1.0 | --user NAME",
    "Press Ctrl-C to stop.",
    "",
  ];
  return lines.join("\n");
}

/** A request that reaches the first route: path parameters filled in with sample values. */
export function exampleRequest(routes: readonly string[]): { method: string; path: string } {
  const route = routes[0] ?? "$default";
  if (route === "$default") return { method: "GET", path: "/" };
  const [method = "GET", path = "/"] = route.split(" ");
  return {
    method: method === "ANY" ? "GET" : method,
    path: path.replace(/\{[^}]+\+\}/g, "example/path").replace(/\{[^}]+\}/g, "example"),
  };
}
