/**
 * A local, Entra-compatible token issuer on https://127.0.0.1:<port>.
 *
 * It serves what a verifier and a client library fetch from login.microsoftonline.com, at
 * Entra's paths, so the authorizer can be pointed at it with ENTRA_AUTHORITY_HOST alone and MSAL
 * with a custom authority. Faults let tests see how the authorizer copes with a broken key endpoint.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { DEV_TOKEN_PATH, parseDevTokenRequest } from "./dev-token-endpoint.js";
import {
  jwksDocument,
  openIdConfigurationV1,
  openIdConfigurationV2,
  TENANT_TEMPLATE,
} from "./entra-metadata.js";
import {
  type EndpointResponse,
  entraError,
  handleTokenRequest,
  type IssuerApiApp,
  type IssuerClientApp,
} from "./entra-token-endpoint.js";
import {
  createSigningKey,
  DEV_CLIENT_ID,
  type EntraClaimsOptions,
  entraClaims,
  type SigningKey,
  signJwt,
} from "./entra-tokens.js";
import type { TlsMaterial } from "./tls.js";

export type { IssuerApiApp, IssuerClientApp } from "./entra-token-endpoint.js";

/**
 * A failure mode of the metadata endpoints (JWKS and OpenID discovery); token endpoints keep working
 * so tests can still obtain tokens while the keys are unavailable.
 * - `status500`: answer 500 with Entra's error JSON.
 * - `hang`: accept the request and never answer, until the fault is cleared or the issuer closes.
 * - `garbage`: answer 200 with a body that is not JSON.
 * - `oversized`: answer 200 with the real document padded past 1 MiB, far beyond any real key set.
 */
export type IssuerFault = "none" | "status500" | "hang" | "garbage" | "oversized";

export type IssueTokenOptions = Omit<EntraClaimsOptions, "tenantId" | "authorityHost" | "v1IssuerHost"> & {
  /** The token's tenant (`tid`, and the issuer's tenant); default the issuer's home tenant. */
  tenantId?: string;
  /** Claims added last, so they may also replace standard ones. */
  extraClaims?: Record<string, unknown>;
};

export interface EntraIssuerOptions {
  tls: TlsMaterial;
  /** The home tenant. The issuer answers for any tenant GUID, as Entra does for every tenant. */
  tenantId: string;
  /** Host of v1 tokens' `iss`: the cloud's security token service. Default sts.windows.net. */
  v1IssuerHost?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The published keys; the first signs. Default: one fresh key. */
  keys?: SigningKey[];
  /** The protected API's registration. Default: a fixed dev app ID, `api://<appId>`, v2 tokens. */
  api?: Partial<IssuerApiApp>;
  /** Clients allowed to use client credentials. Default: one dev client, see DEV_CLIENT_SECRET. */
  clients?: IssuerClientApp[];
  /** Lifetime of tokens from the token endpoints. Default 3600 s. */
  tokenLifetimeSeconds?: number;
}

export interface EntraIssuer {
  /** The home tenant. */
  readonly tenantId: string;
  readonly v1IssuerHost: string;
  /** `127.0.0.1:<port>`: the value for ENTRA_AUTHORITY_HOST. */
  readonly authorityHost: string;
  /** `https://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `https://127.0.0.1:<port>/<tenant>/discovery/v2.0/keys`, Entra's path. */
  readonly jwksUri: string;
  /** `https://127.0.0.1:<port>/common/discovery/v2.0/keys`: the same keys, for every tenant. */
  readonly commonJwksUri: string;
  readonly port: number;
  /** The published set, in order; the first one signs. */
  readonly keys: SigningKey[];
  readonly api: IssuerApiApp;
  readonly clients: readonly IssuerClientApp[];
  /** JWKS GETs served or attempted (faulted requests count too). */
  readonly jwksFetchCount: number;
  publishKey(key: SigningKey): void;
  unpublishKey(kid: string): void;
  /** Makes a published key the signing key. */
  setSigningKey(kid: string): void;
  setFault(fault: IssuerFault): void;
  issueToken(options: IssueTokenOptions): string;
  close(): Promise<void>;
}

export const DEV_API_APP_ID = "00000000-0000-4000-8000-0000000a0a91";
export const DEV_CLIENT_SECRET = "local-dev-secret-not-for-production";

const MAX_BODY_BYTES = 64 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startEntraIssuer(options: EntraIssuerOptions): Promise<EntraIssuer> {
  const issuer = new LocalEntraIssuer(options);
  await issuer.listen(options.port ?? 0);
  return issuer;
}

class LocalEntraIssuer implements EntraIssuer {
  readonly tenantId: string;
  readonly v1IssuerHost: string;
  readonly api: IssuerApiApp;
  readonly clients: readonly IssuerClientApp[];
  #port = 0;
  #keys: SigningKey[];
  #fault: IssuerFault = "none";
  #jwksFetchCount = 0;
  #hanging = new Set<() => void>();
  readonly #server: Server;
  readonly #tokenLifetimeSeconds: number;

  constructor(options: EntraIssuerOptions) {
    if (!GUID.test(options.tenantId)) throw new Error(`tenantId must be a GUID, got '${options.tenantId}'`);
    this.tenantId = options.tenantId.toLowerCase();
    this.v1IssuerHost = options.v1IssuerHost ?? "sts.windows.net";
    this.#keys = options.keys !== undefined ? [...options.keys] : [createSigningKey()];
    const appId = options.api?.appId ?? DEV_API_APP_ID;
    this.api = {
      appId,
      identifierUri: options.api?.identifierUri ?? `api://${appId}`,
      accessTokenVersion: options.api?.accessTokenVersion ?? "2.0",
    };
    this.clients = options.clients ?? [
      { clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET, roles: [] },
    ];
    this.#tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.#server = createServer(
      { cert: options.tls.certPem, key: options.tls.keyPem },
      (request, response) => {
        this.#handle(request, response).catch((error: unknown) => {
          if (!response.headersSent) send(response, entraError(500, "server_error", 90033, String(error)));
        });
      },
    );
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  get port(): number {
    return this.#port;
  }
  get authorityHost(): string {
    return `127.0.0.1:${this.#port}`;
  }
  get baseUrl(): string {
    return `https://${this.authorityHost}`;
  }
  get jwksUri(): string {
    return `${this.baseUrl}/${this.tenantId}/discovery/v2.0/keys`;
  }
  get commonJwksUri(): string {
    return `${this.baseUrl}/common/discovery/v2.0/keys`;
  }
  get keys(): SigningKey[] {
    return [...this.#keys];
  }
  get jwksFetchCount(): number {
    return this.#jwksFetchCount;
  }

  publishKey(key: SigningKey): void {
    this.#keys = [...this.#keys.filter((existing) => existing.kid !== key.kid), key];
  }

  unpublishKey(kid: string): void {
    this.#keys = this.#keys.filter((key) => key.kid !== kid);
  }

  setSigningKey(kid: string): void {
    const key = this.#keys.find((candidate) => candidate.kid === kid);
    if (key === undefined) throw new Error(`No published key has kid '${kid}'`);
    this.#keys = [key, ...this.#keys.filter((candidate) => candidate !== key)];
  }

  setFault(fault: IssuerFault): void {
    this.#fault = fault;
    if (fault === "hang") return;
    // Requests held by `hang` are answered under the new setting, as a recovered server would.
    const waiting = [...this.#hanging];
    this.#hanging.clear();
    for (const serve of waiting) serve();
  }

  issueToken(options: IssueTokenOptions): string {
    const signingKey = this.#keys[0];
    if (signingKey === undefined) throw new Error("The issuer has no published key to sign with");
    const { extraClaims, tenantId, ...claimOptions } = options;
    if (tenantId !== undefined && !GUID.test(tenantId)) {
      throw new Error(`tenantId must be a GUID, got '${tenantId}'`);
    }
    const claims = entraClaims({
      ...claimOptions,
      tenantId: tenantId?.toLowerCase() ?? this.tenantId,
      authorityHost: this.authorityHost,
      v1IssuerHost: this.v1IssuerHost,
    });
    return signJwt({ ...claims, ...extraClaims }, signingKey);
  }

  async close(): Promise<void> {
    this.#hanging.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Keep-alive and hanging requests would otherwise hold close() open.
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.baseUrl);
    const segments = url.pathname.split("/").filter((segment) => segment.length > 0);
    const [tenantSegment = "", ...rest] = segments;
    const route = rest.join("/");
    const method = request.method ?? "GET";
    // Entra serves every tenant from one host with the same keys; `common` and `organizations` name
    // no tenant, so their documents carry the {tenantid} template instead.
    const multiTenant = ["common", "organizations"].includes(tenantSegment.toLowerCase());
    if (!multiTenant && !GUID.test(tenantSegment)) {
      send(
        response,
        entraError(
          400,
          "invalid_tenant",
          90002,
          `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID.`,
        ),
      );
      return;
    }
    const pathTenant = tenantSegment.toLowerCase();
    const issuerTenant = multiTenant ? TENANT_TEMPLATE : pathTenant;

    if (method === "GET" && (route === "discovery/v2.0/keys" || route === "discovery/keys")) {
      this.#jwksFetchCount += 1;
      const version = route === "discovery/keys" ? "1.0" : "2.0";
      this.#serveMetadata(response, () => jwksDocument(this.#keys, version, this.baseUrl, issuerTenant));
      return;
    }
    if (method === "GET" && route === "v2.0/.well-known/openid-configuration") {
      this.#serveMetadata(response, () => openIdConfigurationV2(this.baseUrl, pathTenant, issuerTenant));
      return;
    }
    if (method === "GET" && route === ".well-known/openid-configuration") {
      this.#serveMetadata(response, () =>
        openIdConfigurationV1(this.baseUrl, pathTenant, issuerTenant, this.v1IssuerHost),
      );
      return;
    }
    const tokenRoute = route === "oauth2/v2.0/token" || route === "oauth2/token" || route === DEV_TOKEN_PATH;
    if (method === "POST" && tokenRoute && multiTenant) {
      send(
        response,
        entraError(
          400,
          "invalid_request",
          50194,
          `Tokens are issued by a tenant: use a tenant-specific endpoint (/<tenant-id>/${route}), not /${tenantSegment}.`,
        ),
      );
      return;
    }
    if (method === "POST" && (route === "oauth2/v2.0/token" || route === "oauth2/token")) {
      const form = new URLSearchParams(await readBody(request));
      const endpoint = route === "oauth2/token" ? "v1" : "v2";
      send(
        response,
        handleTokenRequest(form, request.headers.authorization, endpoint, {
          api: this.api,
          clients: this.clients,
          lifetimeSeconds: this.#tokenLifetimeSeconds,
          issueAppToken: (app) =>
            this.issueToken({
              kind: "app",
              version: app.version,
              audience: app.audience,
              clientId: app.clientId,
              roles: app.roles,
              tenantId: pathTenant,
              lifetimeSeconds: this.#tokenLifetimeSeconds,
            }),
        }),
      );
      return;
    }
    if (method === "POST" && route === DEV_TOKEN_PATH) {
      send(response, this.#devToken(await readBody(request), pathTenant));
      return;
    }
    send(response, {
      status: 404,
      body: { error: "not_found", error_description: `No route for ${method} ${url.pathname}` },
    });
  }

  #serveMetadata(response: ServerResponse, document: () => Record<string, unknown>): void {
    const serve = (): void => {
      if (response.destroyed) return;
      switch (this.#fault) {
        case "hang":
          this.#hanging.add(serve);
          return;
        case "status500":
          send(
            response,
            entraError(500, "temporarily_unavailable", 90033, "A transient error has occurred."),
          );
          return;
        case "garbage":
          response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
          response.end("<html><body>Service Unavailable</body></html>");
          return;
        case "oversized":
          response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
          response.end(JSON.stringify({ ...document(), padding: "x".repeat(1024 * 1024) }));
          return;
        case "none":
          response.writeHead(200, {
            "content-type": "application/json; charset=utf-8",
            "cache-control": "max-age=86400, private",
          });
          response.end(JSON.stringify(document()));
      }
    };
    serve();
  }

  #devToken(body: string, tenantId: string): EndpointResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const request = parseDevTokenRequest(parsed);
    if ("status" in request) return request;
    const { audience, lifetimeSeconds, claims, ...rest } = request;
    const lifetime = lifetimeSeconds ?? this.#tokenLifetimeSeconds;
    const accessToken = this.issueToken({
      ...rest,
      tenantId,
      audience: audience ?? (request.version === "2.0" ? this.api.appId : this.api.identifierUri),
      lifetimeSeconds: lifetime,
      ...(claims !== undefined ? { extraClaims: claims } : {}),
    });
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: accessToken,
      },
    };
  }
}

function send(response: ServerResponse, result: EndpointResponse): void {
  response.writeHead(result.status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store, no-cache",
  });
  response.end(JSON.stringify(result.body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
