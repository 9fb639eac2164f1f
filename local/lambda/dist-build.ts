/**
 * Keeps dist/ in step with lambda-src/ before the local stack runs it. The check compares content,
 * not modification times: a fresh clone has every file newer than every zip, yet its committed dist/
 * is current. dist/SOURCE-HASH records a hash of what the build reads (sourceHash); the zips are
 * current when they all exist and that hash matches the sources'. The build is reproducible, so the
 * committed zips and hash stay in step as long as both are written by the same build.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export const DIST_ZIPS = ["authorizer.zip", "response.zip", "preflight.zip", "jwt-verify-layer.zip"] as const;
/** The file in dist/ that names the sources the zips were built from. */
export const SOURCE_HASH_FILE = "SOURCE-HASH";

/**
 * What scripts/build.ts reads: the Lambda sources, the build script, the lock file (the layer's
 * packages are copied from node_modules, and esbuild's version shapes the bundles) and tsconfig.json
 * (esbuild reads it while bundling). Folders are read recursively.
 */
export const BUILD_INPUTS = ["lambda-src", "scripts/build.ts", "package-lock.json", "tsconfig.json"] as const;

export interface DistStatus {
  current: boolean;
  reason: string;
}

/**
 * A hash of the build's inputs, independent of checkout details: files in sorted order, each as
 * its path relative to the repository (with /) and its content with CRLF read as LF, so a Windows
 * checkout with autocrlf hashes as a Linux one does.
 */
export async function sourceHash(repoRoot: string): Promise<string> {
  const files: string[] = [];
  for (const input of BUILD_INPUTS) files.push(...(await listFiles(join(repoRoot, input))));
  const hash = createHash("sha256");
  for (const file of files.map((path) => relative(repoRoot, path).split(sep).join("/")).sort()) {
    const content = (await readFile(join(repoRoot, file))).toString("latin1").replaceAll("\r\n", "\n");
    hash.update(`${file}\0${Buffer.byteLength(content, "latin1")}\0`);
    hash.update(content, "latin1");
  }
  return `sha256:${hash.digest("hex")}`;
}

/**
 * Writes dist/SOURCE-HASH for the current sources. scripts/build.ts calls it after it writes the
 * zips, so a build and its record are always committed together.
 */
export async function writeSourceHash(repoRoot: string, distDir = join(repoRoot, "dist")): Promise<string> {
  const hash = await sourceHash(repoRoot);
  await writeFile(join(distDir, SOURCE_HASH_FILE), `${hash}\n`);
  return hash;
}

export async function distStatus(repoRoot: string, distDir = join(repoRoot, "dist")): Promise<DistStatus> {
  const present = new Set(await readdir(distDir).catch(() => [] as string[]));
  const missing = DIST_ZIPS.find((zip) => !present.has(zip));
  if (missing !== undefined) return { current: false, reason: `${missing} is missing` };
  const recorded = await readFile(join(distDir, SOURCE_HASH_FILE), "utf8").then(
    (text) => text.trim(),
    () => undefined,
  );
  if (recorded === undefined) return { current: false, reason: `dist/${SOURCE_HASH_FILE} is missing` };
  if (recorded !== (await sourceHash(repoRoot))) {
    return {
      current: false,
      reason: `${BUILD_INPUTS.join(", ")} changed since dist/ was built (dist/${SOURCE_HASH_FILE} differs)`,
    };
  }
  return { current: true, reason: "dist/ is up to date" };
}

/** Runs `npm run build` when dist/ is stale; resolves with whether it built. */
export async function ensureDist(repoRoot: string, log: (line: string) => void): Promise<boolean> {
  const status = await distStatus(repoRoot);
  if (status.current) return false;
  log(`Building the Lambda zips (${status.reason}): npm run build`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], {
      cwd: repoRoot,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code})`)),
    );
  });
  // Until scripts/build.ts writes the record itself, record the build just made, so the next start
  // does not build again. The same hash either way: it depends on the sources only.
  await writeSourceHash(repoRoot);
  return true;
}

/** A file's path, or every file under a folder; nothing for what does not exist. */
async function listFiles(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) =>
    error.code === "ENOTDIR" ? null : [],
  );
  if (entries === null) return [path];
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(join(path, entry.name)) : Promise.resolve([join(path, entry.name)]),
    ),
  );
  return nested.flat();
}
