/**
 * The deployment smoke check behind `npm run smoke`: get a token as a real client would (MSAL,
 * client credentials), then call the API without a token, with it, and with a tampered copy.
 */
import { ConfidentialClientApplication } from "@azure/msal-node";
import { type JsonResponse, requestJson } from "./https-json.js";

export interface SmokeOptions {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `api://<app>/.default` */
  scope: string;
  /** Default login.microsoftonline.com. */
  authorityHost?: string;
  method?: string;
  /** Per HTTP call. Default 15_000. */
  timeoutMs?: number;
}

export interface SmokeRow {
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface SmokeReport {
  rows: SmokeRow[];
  ok: boolean;
  /** Claims worth seeing when a check fails; never the token itself. */
  tokenSummary?: string;
  /** What to do about a failure the checks cannot fix themselves. */
  hint?: string;
}

const MICROSOFT_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.microsoft.com",
  "login.windows.net",
  "login.sovcloud-identity.fr",
  "login.sovcloud-identity.de",
  "login.sovcloud-identity.sg",
]);

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const rows: SmokeRow[] = [];
  let token: string | undefined;
  let hint: string | undefined;
  try {
    token = await acquireToken(options);
    rows.push({ check: "get a token (client credentials)", expected: "token", actual: "token", ok: true });
  } catch (error) {
    const message = ((error as Error).message ?? String(error)).split("\n")[0] ?? "";
    if (/certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(`${message} ${errorDetails(error)}`)) {
      hint =
        "The authority's TLS certificate is not trusted. Against the local stack, run with " +
        "NODE_EXTRA_CA_CERTS=.local/ca.pem (created by `npm start`).";
    }
    rows.push({
      check: "get a token (client credentials)",
      expected: "token",
      actual: `error: ${message}`,
      ok: false,
    });
  }

  rows.push(await checkCall(options, "no Authorization header", undefined, [401]));
  if (token !== undefined) {
    rows.push(await checkCall(options, "valid token", `Bearer ${token}`, [200]));
    rows.push(
      await checkCall(options, "tampered token (payload changed)", `Bearer ${tamper(token)}`, [401, 403]),
    );
  }
  const report: SmokeReport = { rows, ok: rows.every((row) => row.ok) };
  if (hint !== undefined) report.hint = hint;
  if (token !== undefined) report.tokenSummary = summarize(token);
  return report;
}

/** The error's own fields (MSAL keeps the network cause there), as text; empty when unreadable. */
function errorDetails(error: unknown): string {
  try {
    return JSON.stringify(error) ?? "";
  } catch {
    return "";
  }
}

async function acquireToken(options: SmokeOptions): Promise<string> {
  const host = (options.authorityHost ?? "login.microsoftonline.com").toLowerCase();
  const application = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `https://${host}/${options.tenantId}`,
      // Any other host (a national cloud MSAL does not know, or a local issuer) must be declared,
      // or MSAL asks login.microsoftonline.com's instance discovery about it.
      ...(MICROSOFT_HOSTS.has(host) ? {} : { knownAuthorities: [host] }),
    },
  });
  const result = await application.acquireTokenByClientCredential({ scopes: [options.scope] });
  if (result === null || result.accessToken === "") throw new Error("MSAL returned no access token");
  return result.accessToken;
}

async function checkCall(
  options: SmokeOptions,
  check: string,
  authorization: string | undefined,
  expected: number[],
): Promise<SmokeRow> {
  let response: JsonResponse;
  try {
    response = await requestJson(options.url, {
      method: options.method ?? "GET",
      headers: authorization === undefined ? {} : { authorization },
      timeoutMs: options.timeoutMs ?? 15_000,
    });
  } catch (error) {
    return {
      check,
      expected: expected.join(" or "),
      actual: `error: ${(error as Error).message}`,
      ok: false,
    };
  }
  return {
    check,
    expected: expected.join(" or "),
    actual: String(response.status),
    ok: expected.includes(response.status),
  };
}

/** Changes one character in the middle of the payload: the signature no longer matches. */
export function tamper(token: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const index = Math.floor(payload.length / 2);
  const original = payload[index] ?? "A";
  const replacement = original === "A" ? "B" : "A";
  return `${header}.${payload.slice(0, index)}${replacement}${payload.slice(index + 1)}.${signature}`;
}

function summarize(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    const roles = Array.isArray(claims.roles) ? claims.roles.join(" ") : "none";
    return `token: ver ${String(claims.ver)}, iss ${String(claims.iss)}, aud ${String(claims.aud)}, roles ${roles}`;
  } catch {
    return "token: not a readable JWT";
  }
}

export function formatReport(report: SmokeReport): string {
  const headers = { check: "check", expected: "expected", actual: "got", result: "result" };
  const rows = report.rows.map((row) => ({ ...row, result: row.ok ? "ok" : "FAIL" }));
  const width = (key: "check" | "expected" | "actual" | "result"): number =>
    Math.max(
      headers[key === "actual" ? "actual" : key].length,
      ...rows.map((row) => String(row[key]).length),
    );
  const line = (cells: [string, string, string, string]): string =>
    [
      cells[0].padEnd(width("check")),
      cells[1].padEnd(width("expected")),
      cells[2].padEnd(width("actual")),
      cells[3],
    ].join("  ");
  return [
    line([headers.check, headers.expected, headers.actual, headers.result]),
    ...rows.map((row) => line([row.check, row.expected, row.actual, row.result])),
    ...(report.tokenSummary === undefined ? [] : ["", report.tokenSummary]),
    ...(report.hint === undefined ? [] : ["", report.hint]),
    "",
    report.ok ? "All checks passed." : "Some checks failed.",
  ].join("\n");
}
