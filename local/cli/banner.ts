/** The start-up banner of `npm start`: where things are, and a curl to paste that the configuration admits. */
import { relative } from "node:path";
import { expandAudiences } from "../../lambda-src/authorizer/config.js";
import type { IssuerApiApp } from "../entra/entra-issuer.js";
import { DEV_CLIENT_ID } from "../entra/entra-tokens.js";
import type { LocalStack } from "../local-stack.js";
import { type LocalStackSettings, type RouteSettings, routeRules } from "../stack-settings.js";

/** The port `npm run token` assumes when several stacks run; other ports are named in the suggestion. */
export const DEFAULT_PORT = 3000;

export function banner(stack: LocalStack, repoRoot: string, api: IssuerApiApp): string {
  if (stack.frontDoor === "appsync") return appSyncBanner(stack, repoRoot);
  const { settings } = stack;
  const routeKeys = Object.keys(settings.routes);
  const protectedKey = routeKeys.find((key) => settings.routes[key]?.authorization === "entra");
  const publicKeys = routeKeys.filter((key) => settings.routes[key]?.authorization === "none");
  const rules = routeRules(settings);
  const lines = [
    "",
    `Entra ID protected ${stack.frontDoor === "rest" ? "REST API" : "HTTP API"}, running locally (no AWS)`,
    "",
    `  API            ${stack.url}`,
    `  Routes         ${routeKeys.map((key) => (publicKeys.includes(key) ? `${key} (public)` : key)).join(", ")}`,
    `  Route rules    ${rules === undefined ? "none: any valid token with a scope or role" : describeRules(settings)}`,
    stack.frontDoor === "rest"
      ? `  Authorizer     ${stack.restAuthorizerType ?? "TOKEN"} (identity sources ${stack.api.identitySources.join(", ")}), cache ${settings.authorizerCacheTtlSeconds} s, timeout ${settings.timeoutSeconds} s, log level ${settings.applicationLogLevel}`
      : `  Authorizer     ${settings.authorizerResponseMode} responses, cache ${settings.authorizerCacheTtlSeconds} s, timeout ${settings.timeoutSeconds} s, log level ${settings.applicationLogLevel}`,
    `  Entra issuer   ${stack.issuer.baseUrl}/${settings.tenantId.toLowerCase()}/v2.0   (local, dev only)`,
    `  Audiences      ${[settings.audience, ...settings.additionalAudiences].join(", ")}   token versions ${settings.tokenVersions.join(", ")}`,
    ...(settings.allowedTenantIds.length > 0
      ? [`  Tenants        home and ${settings.allowedTenantIds.join(", ")} (multi-tenant)`]
      : []),
    ...(settings.allowedClientIds.length > 0
      ? [`  Clients        ${settings.allowedClientIds.join(", ")}`]
      : []),
    `  Local CA       ${relative(repoRoot, stack.tls.caCertPath)}`,
    "",
    "Try it:",
  ];
  if (protectedKey !== undefined) {
    const request = curlTarget(stack.url, protectedKey);
    lines.push(`  curl -i ${request}`, "      → 401, no token");
    const suggestion = suggestToken(settings, protectedKey, api);
    const portArgs = stack.port === DEFAULT_PORT ? [] : ["--port", String(stack.port)];
    if ("impossible" in suggestion) {
      lines.push(`  (no token from the local issuer can pass ${protectedKey}: ${suggestion.impossible})`);
    } else {
      const args = [...portArgs, ...suggestion.args];
      const command = `npm run -s token${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
      lines.push(
        `  curl -i -H "Authorization: Bearer $(${command})" ${request}`,
        suggestion.caveat === undefined
          ? "      → 200, the backend names the caller"
          : `      → 200 only if ${suggestion.caveat}`,
      );
    }
  }
  for (const key of publicKeys.slice(0, 1)) {
    lines.push(`  curl -i ${curlTarget(stack.url, key)}`, "      → 200, a public route: no token needed");
  }
  lines.push(
    "",
    "Other tokens: npm run -s token -- --scope NAME | --role NAME | --app | --version 1.0 | --client ID | --tenant GUID | --claim NAME=VALUE",
    "Press Ctrl-C to stop.",
    "",
  );
  return lines.join("\n");
}

function describeRules(settings: LocalStackSettings): string {
  const parts = Object.entries(settings.routes)
    .filter(([, route]) => route.authorization === "entra")
    .map(([key, route]) => {
      const described = [
        route.scopes.length > 0 ? `scopes ${route.scopes.join(" ")}` : "",
        route.roles.length > 0 ? `roles ${route.roles.join(" ")}` : "",
        route.clients.length > 0 ? `clients ${route.clients.join(" ")}` : "",
        route.condition !== undefined ? "a condition" : "",
      ].filter((part) => part !== "");
      return `${key}: ${described.length > 0 ? described.join(", ") : "any scope or role"}`;
    });
  return parts.join("; ");
}

function curlTarget(url: string, routeKey: string): string {
  const example = exampleRequest(routeKey);
  return `${example.method === "GET" ? "" : `-X ${example.method} `}${url}${example.path}`;
}

/** A request that reaches the route: path parameters filled in with sample values. */
export function exampleRequest(routeKey: string): { method: string; path: string } {
  if (routeKey === "$default") return { method: "GET", path: "/" };
  const [method = "GET", path = "/"] = routeKey.split(" ");
  return {
    method: method === "ANY" ? "GET" : method,
    path: path.replace(/\{[^}]+\+\}/g, "example/path").replace(/\{[^}]+\}/g, "example"),
  };
}

export type TokenSuggestion = { args: string[]; caveat?: string } | { impossible: string };

/**
 * `npm run token` arguments for a token the configuration admits on `routeKey`, or why none can
 * pass. It reasons as the authorizer does (contract sections 1 and 2): an accepted audience for an
 * enabled token version, the calling client on every client list, then the route's scopes or
 * roles, or the baseline; a condition cannot be promised.
 */
export function suggestToken(
  settings: LocalStackSettings,
  routeKey: string,
  api: IssuerApiApp,
): TokenSuggestion {
  const route: RouteSettings | undefined = settings.routes[routeKey];
  if (route === undefined || route.authorization === "none") return { args: [] };
  const args: string[] = [];

  // The authorizer's own rule: a GUID and api://<same GUID> stand for each other.
  const audiences = new Set(expandAudiences([settings.audience, ...settings.additionalAudiences]));
  const v2 = settings.tokenVersions.includes("2.0") && audiences.has(api.appId.toLowerCase());
  const v1 = settings.tokenVersions.includes("1.0") && audiences.has(api.identifierUri.toLowerCase());
  if (!v2 && !v1) {
    return {
      impossible:
        "no enabled token version carries an accepted audience (v2 tokens carry the API's client ID, v1 tokens its api:// URI)",
    };
  }
  // npm run token mints 2.0 when enabled, else 1.0.
  if (!v2 && settings.tokenVersions.includes("2.0")) args.push("--version", "1.0");

  const lists = [settings.allowedClientIds, route.clients].filter((list) => list.length > 0);
  if (lists.length > 0) {
    const [first = [], ...others] = lists;
    const client = first.find((id) =>
      others.every((list) => list.some((other) => other.toLowerCase() === id.toLowerCase())),
    );
    if (client === undefined) {
      return { impossible: "no client ID is both in allowed_client_ids and in the route's clients" };
    }
    if (client.toLowerCase() !== DEV_CLIENT_ID) args.push("--client", client);
  }

  if (route.scopes.length > 0) args.push("--scope", route.scopes[0] as string);
  else if (route.roles.length > 0) args.push("--role", route.roles[0] as string);

  if (route.condition !== undefined) {
    return {
      args,
      caveat:
        "the token's claims satisfy the route's condition (add the claims it tests with --claim NAME=VALUE)",
    };
  }
  return { args };
}

function appSyncBanner(stack: LocalStack, repoRoot: string): string {
  const { settings } = stack;
  const portArgs = stack.port === DEFAULT_PORT ? "" : ` -- --port ${stack.port}`;
  const query = `-H 'content-type: application/json' -d '{"query":"{ tasks { id title } }"}' ${stack.url}/graphql`;
  return [
    "",
    "Entra ID protected AppSync GraphQL API (AWS_LAMBDA authorization), running locally (no AWS)",
    "",
    `  GraphQL        POST ${stack.url}/graphql   (schema of examples/appsync, canned data)`,
    `  Authorizer     cache ${settings.authorizerCacheTtlSeconds} s (or the answer's ttlOverride), timeout ${settings.timeoutSeconds} s, log level ${settings.applicationLogLevel}`,
    `  Entra issuer   ${stack.issuer.baseUrl}/${settings.tenantId.toLowerCase()}/v2.0   (local, dev only)`,
    `  Local CA       ${relative(repoRoot, stack.tls.caCertPath)}`,
    "",
    "Try it:",
    `  curl -i ${query}`,
    "      → 401 UnauthorizedException, no token",
    `  curl -i -H "Authorization: $(npm run -s token${portArgs})" ${query}`,
    "      → 200 with the tasks",
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}
