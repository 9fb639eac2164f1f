import { createRequire } from "node:module";

/*
 * The CEL implementation ships in the layer next to aws-jwt-verify, as one CommonJS file the build makes
 * from the package (which is ESM only), and is loaded the same way: through require(), which honours the
 * NODE_PATH that points at /opt/nodejs/node_modules. Loaded on first use, so an authorizer without route
 * conditions never pays for parsing it on a cold start.
 */
const require = createRequire(import.meta.url);

export type CelLibrary = typeof import("@marcbachmann/cel-js");
export type { ASTNode, ParseResult } from "@marcbachmann/cel-js";

let library: CelLibrary | undefined;

export function celLibrary(): CelLibrary {
  library ??= require("@marcbachmann/cel-js") as CelLibrary;
  return library;
}
