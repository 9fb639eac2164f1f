import { createAuthorizer } from "./authorizer.js";

/**
 * The Lambda entry point. Top-level await: Lambda finishes the module's initialization, including the
 * first JWKS fetch (bounded), before the first invocation.
 */
export const handler = await createAuthorizer(process.env);
