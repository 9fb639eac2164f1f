/**
 * Runs the authorizer's own configuration check (`loadConfig` from lambda-src) on the environment
 * the stack is about to give it, in this process, so a configuration the authorizer would refuse
 * (a CEL condition that does not compile, say) stops `npm start` before any request, with the
 * Terraform variable to fix named first.
 */
import { loadConfig } from "../../lambda-src/authorizer/config.js";
import { SettingsError } from "../stack-settings.js";

/** Authorizer variable → the root module variable it comes from. */
const SOURCE_VARIABLE: Record<string, string> = {
  ENTRA_TENANT_ID: "tenant_id",
  ENTRA_AUDIENCE: "audience",
  ENTRA_TOKEN_VERSIONS: "token_versions",
  ENTRA_CLOUD: "cloud",
  ENTRA_AUTHORITY_HOST: "authority_host",
  ENTRA_JWKS_URI: "jwks_uri",
  ENTRA_ALLOWED_TENANT_IDS: "allowed_tenant_ids",
  ENTRA_ALLOWED_CLIENT_IDS: "allowed_client_ids",
  AUTHZ_ROUTE_PERMISSIONS: "routes",
  AUTHZ_RESPONSE_MODE: "authorizer_response_mode",
  AUTHZ_TOKEN_CACHE_SECONDS: "verified_token_cache_seconds",
  AWS_LAMBDA_LOG_LEVEL: "application_log_level",
};

/** Throws a SettingsError naming the Terraform variable when the authorizer would refuse `env`. */
export function checkAuthorizerEnvironment(env: Record<string, string>): void {
  try {
    loadConfig(env);
  } catch (error) {
    const variable = (error as { variable?: unknown }).variable;
    if (typeof variable !== "string") throw error;
    throw new SettingsError(
      SOURCE_VARIABLE[variable] ?? variable,
      `is refused by the authorizer (${(error as Error).message})`,
    );
  }
}
