/**
 * The documents an Entra tenant publishes: OpenID discovery (v1 and v2) and the signing keys.
 * Shapes follow what login.microsoftonline.com serves, trimmed of members nothing here reads.
 *
 * `pathTenant` is the tenant segment of the URL (a GUID, or `common`); `issuerTenant` is what the
 * documents name as the issuer's tenant: the GUID, or Entra's `{tenantid}` template on `common`.
 */

/** What the multi-tenant endpoints put where a tenant ID goes. */
export const TENANT_TEMPLATE = "{tenantid}";
import { issuerFor, type PublicJwk, type SigningKey } from "./entra-tokens.js";

export function openIdConfigurationV2(
  baseUrl: string,
  pathTenant: string,
  issuerTenant = pathTenant,
): Record<string, unknown> {
  const tenantUrl = `${baseUrl}/${pathTenant}`;
  return {
    token_endpoint: `${tenantUrl}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${tenantUrl}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: issuerFor("2.0", issuerTenant, new URL(baseUrl).host),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${tenantUrl}/openid/userinfo`,
    authorization_endpoint: `${tenantUrl}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${tenantUrl}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${tenantUrl}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
    ],
    tenant_region_scope: "NA",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

export function openIdConfigurationV1(
  baseUrl: string,
  pathTenant: string,
  issuerTenant = pathTenant,
  v1IssuerHost?: string,
): Record<string, unknown> {
  const tenantUrl = `${baseUrl}/${pathTenant}`;
  return {
    token_endpoint: `${tenantUrl}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${tenantUrl}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    // v1 tokens carry the STS issuer whatever host served them.
    issuer: issuerFor("1.0", issuerTenant, new URL(baseUrl).host, v1IssuerHost),
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${tenantUrl}/oauth2/authorize`,
    device_authorization_endpoint: `${tenantUrl}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${tenantUrl}/oauth2/logout`,
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "amr",
      "nonce",
      "email",
      "upn",
      "tid",
      "ver",
    ],
    tenant_region_scope: "NA",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

/**
 * The JWKS document. The v2 endpoint adds an `issuer` member to each key, as Entra does (on
 * `common`, the `https://<authority>/{tenantid}/v2.0` template); the v1 endpoint does not. Neither
 * has `alg`, which is why verifiers must not require it.
 */
export function jwksDocument(
  keys: readonly SigningKey[],
  version: "1.0" | "2.0",
  baseUrl: string,
  issuerTenant: string,
): { keys: Array<PublicJwk & { issuer?: string }> } {
  const issuer = issuerFor("2.0", issuerTenant, new URL(baseUrl).host);
  return {
    keys: keys.map((key) => (version === "2.0" ? { ...key.publicJwk, issuer } : { ...key.publicJwk })),
  };
}
