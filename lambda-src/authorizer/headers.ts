import { isPlainObject } from "./json.js";

/**
 * Header names are case-insensitive: HTTP API payload 2.0 lower-cases them; payload 1.0 and REST
 * APIs keep the client's case.
 * A value that is not a string counts as absent.
 */
export function findHeader(headers: unknown, name: string): string | undefined {
  if (!isPlainObject(headers)) {
    return undefined;
  }
  const exact = headers[name];
  if (typeof exact === "string") {
    return exact;
  }
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = headers[key];
      return typeof value === "string" ? value : undefined;
    }
  }
  return undefined;
}
