/**
 * Module resolve hook for the Lambda sandbox worker (plain JS, registered with module.register).
 *
 * Lambda's Node.js runtimes let ES modules import packages from layers (/opt/nodejs/...), although
 * Node applies NODE_PATH only to require(). This hook gives bare specifiers that fail the normal
 * lookup a second chance in each NODE_PATH node_modules folder, in NODE_PATH order, so the bundle
 * runs with the same resolution it gets on Lambda.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** @type {string[]} */
let nodeModulesDirs = [];

/** @param {{ nodeModulesDirs?: string[] } | undefined} data */
export function initialize(data) {
  nodeModulesDirs = (data?.nodeModulesDirs ?? []).filter((dir) => dir.endsWith("node_modules"));
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string, conditions: string[], importAttributes: object }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const packageName = barePackageName(specifier);
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || packageName === undefined) throw error;
    for (const dir of nodeModulesDirs) {
      // Only a folder that holds the package: resolving from its parent must not wander up the tree.
      if (!existsSync(join(dir, packageName))) continue;
      const parentURL = pathToFileURL(join(dirname(dir), "lambda-layer-resolve.mjs")).href;
      return nextResolve(specifier, { ...context, parentURL });
    }
    throw error;
  }
}

/** @param {string} specifier */
function barePackageName(specifier) {
  if (/^([./]|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
