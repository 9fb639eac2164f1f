/**
 * Keeps dist/ in step with lambda-src/ before the local stack runs it: a rebuild when a zip is
 * missing or any source file is newer than the oldest zip. Modification times keep the check
 * instant; the build is reproducible, so an unneeded rebuild writes the same bytes.
 */
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export const DIST_ZIPS = ["authorizer.zip", "response.zip", "jwt-verify-layer.zip"] as const;

export interface DistStatus {
  current: boolean;
  reason: string;
}

export async function distStatus(repoRoot: string, distDir = join(repoRoot, "dist")): Promise<DistStatus> {
  let oldestZip = Number.POSITIVE_INFINITY;
  for (const zip of DIST_ZIPS) {
    try {
      oldestZip = Math.min(oldestZip, (await stat(join(distDir, zip))).mtimeMs);
    } catch {
      return { current: false, reason: `${zip} is missing` };
    }
  }
  const inputs = [
    ...(await listFiles(join(repoRoot, "lambda-src"))),
    join(repoRoot, "scripts", "build.ts"),
    // The layer is copied from node_modules: a dependency bump changes it.
    join(repoRoot, "package-lock.json"),
  ];
  for (const input of inputs) {
    const modified = await stat(input).then(
      (info) => info.mtimeMs,
      () => 0,
    );
    if (modified > oldestZip)
      return { current: false, reason: `${input.slice(repoRoot.length + 1)} changed since the last build` };
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
  return true;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}
