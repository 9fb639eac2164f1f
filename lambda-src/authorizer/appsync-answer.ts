import type { VerifiedToken } from "./verify.js";

/** AppSync's Lambda authorization answer (security-authz.html, AWS_LAMBDA authorization). */
export type AppSyncResponse =
  | {
      isAuthorized: true;
      /** `$ctx.identity.resolverContext` in resolvers: strings only. */
      resolverContext: Record<string, string>;
      /** `Type.field`, one of the two forms AppSync reads: these fields answer null with an error. */
      deniedFields: string[];
      /** Seconds AppSync caches this answer under the token; 0: not at all. */
      ttlOverride: number;
    }
  | { isAuthorized: false };

/** A refusal says nothing else: no field, no caller, no TTL. */
export const APPSYNC_REFUSAL: AppSyncResponse = Object.freeze({ isAuthorized: false });

/**
 * The answer for a token allowed to use the API. AppSync caches it under the token, so it must not outlive
 * the token: the TTL is the configured one (the API's authorizer_result_ttl_in_seconds), cut to the token's
 * remaining whole seconds.
 */
export function appSyncResponse(
  token: VerifiedToken,
  deniedFields: string[],
  cacheTtlSeconds: number,
  nowSeconds: number,
): AppSyncResponse {
  const remaining = Math.floor((token.claims.exp as number) - nowSeconds);
  return {
    isAuthorized: true,
    resolverContext: {
      oid: token.objectId ?? "",
      tid: token.tenantId,
      clientId: token.clientId,
      scopes: token.scopes.join(" "),
      roles: token.roles.join(" "),
      tokenVersion: token.version,
    },
    deniedFields,
    ttlOverride: Math.max(0, Math.min(cacheTtlSeconds, remaining)),
  };
}
