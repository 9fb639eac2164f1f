import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DIST_ZIPS,
  distStatus,
  SOURCE_HASH_FILE,
  sourceHash,
  writeSourceHash,
} from "../../local/lambda/dist-build.js";

/** A repository as the build sees it: sources, build script, lock file, tsconfig and a built dist/. */
const FILES: Record<string, string> = {
  "lambda-src/authorizer/handler.ts": "export const handler = async () => ({ isAuthorized: false });\n",
  "lambda-src/response/handler.ts": "export const handler = async () => ({ statusCode: 200 });\n",
  "scripts/build.ts": "// build\n",
  "package-lock.json": '{ "lockfileVersion": 3 }\n',
  "tsconfig.json": "{}\n",
  "README.md": "not read by the build\n",
};

let repo: string;

async function put(file: string, content: string): Promise<void> {
  await mkdir(dirname(join(repo, file)), { recursive: true });
  await writeFile(join(repo, file), content);
}

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), "dist-build-"));
  for (const [file, content] of Object.entries(FILES)) await put(file, content);
  for (const zip of DIST_ZIPS) await put(`dist/${zip}`, "zip");
  await writeSourceHash(repo);
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("distStatus", () => {
  it("keeps dist/ when the sources are unchanged, however new their modification times", async () => {
    // A fresh clone: every source is newer than every zip.
    const future = new Date(Date.now() + 86_400_000);
    for (const file of Object.keys(FILES)) await utimes(join(repo, file), future, future);

    expect(await distStatus(repo)).toEqual({ current: true, reason: "dist/ is up to date" });
  });

  it("rebuilds when one byte of lambda-src changes", async () => {
    const file = "lambda-src/authorizer/handler.ts";
    await put(file, (FILES[file] as string).replace("false", "fals3"));

    const status = await distStatus(repo);

    expect(status.current).toBe(false);
    expect(status.reason).toMatch(/changed since dist\/ was built \(dist\/SOURCE-HASH differs\)$/);
  });

  it.each([
    ["a new source file", "lambda-src/preflight/handler.ts", "export {};\n"],
    ["the build script", "scripts/build.ts", "// build, changed\n"],
    ["the lock file", "package-lock.json", '{ "lockfileVersion": 3, "packages": {} }\n'],
    ["tsconfig.json", "tsconfig.json", '{ "compilerOptions": {} }\n'],
  ])("rebuilds when %s changes", async (_what, file, content) => {
    await put(file, content);

    expect((await distStatus(repo)).current).toBe(false);
  });

  it("ignores files the build does not read, and CRLF line endings", async () => {
    await put("README.md", "changed\n");
    const file = "lambda-src/response/handler.ts";
    await put(file, (FILES[file] as string).replaceAll("\n", "\r\n"));

    expect((await distStatus(repo)).current).toBe(true);
  });

  it("rebuilds when a zip or the record is missing", async () => {
    await rm(join(repo, "dist", SOURCE_HASH_FILE));
    expect(await distStatus(repo)).toEqual({ current: false, reason: "dist/SOURCE-HASH is missing" });

    await writeSourceHash(repo);
    await rm(join(repo, "dist", "preflight.zip"));
    expect(await distStatus(repo)).toEqual({ current: false, reason: "preflight.zip is missing" });
  });
});

describe("writeSourceHash", () => {
  it("records one line, the same for the same sources in another folder", async () => {
    const recorded = await readFile(join(repo, "dist", SOURCE_HASH_FILE), "utf8");
    const other = await mkdtemp(join(tmpdir(), "dist-build-copy-"));
    try {
      for (const [file, content] of Object.entries(FILES)) {
        await mkdir(dirname(join(other, file)), { recursive: true });
        await writeFile(join(other, file), content);
      }

      expect(recorded).toMatch(/^sha256:[0-9a-f]{64}\n$/);
      expect(await sourceHash(other)).toBe(recorded.trim());
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
