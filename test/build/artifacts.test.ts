import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ARTIFACTS = ["authorizer.zip", "response.zip", "preflight.zip", "jwt-verify-layer.zip", "SOURCE-HASH"];
const freshDir = mkdtempSync(path.join(tmpdir(), "entra-authorizer-build-"));

afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

function entries(zipPath: string): string[] {
  return Object.keys(unzipSync(readFileSync(zipPath))).sort();
}

describe("the committed dist/ zips", () => {
  it("are byte-identical to a fresh `npm run build` of the current source", { timeout: 60_000 }, () => {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/build.ts", "--out-dir", freshDir],
      {
        cwd: ROOT,
        stdio: "pipe",
      },
    );

    for (const name of ARTIFACTS) {
      const committed = readFileSync(path.join(ROOT, "dist", name));
      const fresh = readFileSync(path.join(freshDir, name));
      expect(committed.equals(fresh), `dist/${name} is stale: run npm run build and commit it`).toBe(true);
    }
  });

  it("put each handler at the zip root as index.mjs, as handler index.handler expects", () => {
    expect(entries(path.join(ROOT, "dist/authorizer.zip"))).toEqual(["index.mjs"]);
    expect(entries(path.join(ROOT, "dist/response.zip"))).toEqual(["index.mjs"]);
  });

  it("leave aws-jwt-verify and the CEL library out of the authorizer bundle, for the layer to provide", () => {
    const bundle = new TextDecoder().decode(
      unzipSync(readFileSync(path.join(ROOT, "dist/authorizer.zip")))["index.mjs"],
    );

    expect(bundle).toContain('"aws-jwt-verify"');
    expect(bundle).toContain('"@marcbachmann/cel-js"');
    expect(bundle).not.toMatch(/SimpleJwksCache\s*=\s*class|class \w*SimpleJwksCache/);
    expect(bundle).not.toContain("No such key");
  });

  it("lay the layer out under nodejs/node_modules with runtime files only", () => {
    const layer = entries(path.join(ROOT, "dist/jwt-verify-layer.zip"));

    expect(layer).toContain("nodejs/node_modules/aws-jwt-verify/package.json");
    expect(layer).toContain("nodejs/node_modules/aws-jwt-verify/dist/cjs/index.js");
    expect(layer.filter((file) => !file.startsWith("nodejs/node_modules/aws-jwt-verify/"))).toEqual([
      "nodejs/node_modules/@marcbachmann/cel-js/LICENSE",
      "nodejs/node_modules/@marcbachmann/cel-js/index.cjs",
      "nodejs/node_modules/@marcbachmann/cel-js/package.json",
    ]);
    expect(
      layer.filter((file) => file.endsWith(".d.ts") || file.endsWith(".map") || file.endsWith(".md")),
    ).toEqual([]);
  });
});
