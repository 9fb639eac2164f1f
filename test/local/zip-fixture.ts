/** Builds small zip files for tests, as the build would: paths kept, contents deflated. */
import { writeFile } from "node:fs/promises";
import { strToU8, zipSync } from "fflate";

export async function writeZip(path: string, files: Record<string, string>): Promise<string> {
  const entries = Object.fromEntries(
    Object.entries(files).map(([name, content]) => [name, strToU8(content)]),
  );
  await writeFile(path, zipSync(entries));
  return path;
}
