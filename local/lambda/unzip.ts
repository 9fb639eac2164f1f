/**
 * Extracts a Lambda deployment package or layer zip into a directory, keeping its paths, as
 * Lambda does into /var/task and /opt.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { unzipSync } from "fflate";

/** Returns the number of files written. */
export async function extractZip(zipPath: string, targetDir: string): Promise<number> {
  const entries = unzipSync(new Uint8Array(await readFile(zipPath)));
  let written = 0;
  for (const [name, content] of Object.entries(entries)) {
    // Directory entries carry no content; their files create them.
    if (name.endsWith("/")) continue;
    const relative = normalize(name);
    if (isAbsolute(relative) || relative === ".." || relative.startsWith(`..${sep}`)) {
      throw new Error(`${zipPath}: entry '${name}' would be written outside the target directory`);
    }
    const target = join(targetDir, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    written += 1;
  }
  return written;
}
