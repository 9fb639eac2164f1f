import type { RoutePermission, RoutePermissions } from "./config.js";
import {
  type AuthorizerError,
  InsufficientPermissionsError,
  NoScopesOrRolesError,
  RouteNotConfiguredError,
} from "./errors.js";

export interface Grants {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** Key of the entry that applies to every route the map does not list. */
export const UNLISTED_ROUTES = "*";

/**
 * Why a token may not call a route, or undefined when it may.
 * Without a permission map any scope or role will do (the walkthrough's rule, widened to app tokens).
 * With one, the route's entry (else `*`) admits a token holding any of its scopes or any of its roles,
 * the same any-of rule as API Gateway's JWT authorizer; an entry with no scopes and no roles admits
 * every verified token. Exact string comparison only.
 */
export function refusal(
  routeKey: string,
  grants: Grants,
  permissions: RoutePermissions | undefined,
): AuthorizerError | undefined {
  if (permissions === undefined) {
    return grants.scopes.length > 0 || grants.roles.length > 0
      ? undefined
      : new NoScopesOrRolesError("token has neither scp nor roles");
  }
  const required = permissions.get(routeKey) ?? permissions.get(UNLISTED_ROUTES);
  if (required === undefined) {
    return new RouteNotConfiguredError('route has no permission entry and there is no "*" entry', {
      detail: routeKey,
    });
  }
  return satisfies(grants, required)
    ? undefined
    : new InsufficientPermissionsError("token lacks every scope and role the route accepts", {
        detail: routeKey,
      });
}

export function satisfies(grants: Grants, required: RoutePermission): boolean {
  if (required.scopes.length === 0 && required.roles.length === 0) {
    return true;
  }
  return (
    required.scopes.some((scope) => grants.scopes.includes(scope)) ||
    required.roles.some((role) => grants.roles.includes(role))
  );
}
