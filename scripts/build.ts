/**
 * `npm run build`: type-checks nothing (that is `npm run typecheck`), bundles the Lambda sources with esbuild
 * and writes the three zips Terraform deploys. The zips are byte-for-byte reproducible: fixed entry order,
 * timestamps and modes, so the committed dist/ can be checked against the source.
 *
 *   tsx scripts/build.ts [--out-dir DIR]
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { type Zippable, zipSync } from "fflate";

const ROOT = path.resolve(import.meta.dirname, "..");
const LAYER_PACKAGE = "aws-jwt-verify";

// DOS timestamps are local time: build the date from local fields so every time zone writes the same bytes.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;
const UNIX = 3;

export interface BuiltArtifact {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly files: number;
}

export async function buildArtifacts(): Promise<BuiltArtifact[]> {
  return [
    zip("authorizer.zip", { "index.mjs": await bundle("lambda-src/authorizer/handler.ts") }),
    zip("response.zip", { "index.mjs": await bundle("lambda-src/response/handler.ts") }),
    zip("jwt-verify-layer.zip", layerFiles()),
  ];
}

async function bundle(entryPoint: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entryPoint],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    // The layer provides it; the handler loads it through require() so NODE_PATH finds it.
    external: [LAYER_PACKAGE, `${LAYER_PACKAGE}/*`],
    // Smaller bundles load faster on a cold start; kept names keep error class names meaningful in logs.
    minify: true,
    keepNames: true,
    legalComments: "none",
    charset: "utf8",
    write: false,
    outfile: "index.mjs",
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (output === undefined || result.outputFiles.length !== 1) {
    throw new Error(`esbuild produced ${result.outputFiles.length} files for ${entryPoint}`);
  }
  return output.contents;
}

/**
 * `nodejs/node_modules/aws-jwt-verify/…`: the package's runtime files only. The authorizer require()s the
 * CommonJS build (see jwt-library.ts), so the ES module build and the type declarations stay out.
 */
function layerFiles(): Record<string, Uint8Array> {
  const packageDir = path.join(ROOT, "node_modules", LAYER_PACKAGE);
  const isRuntimeFile = (relative: string) =>
    relative === "package.json" ||
    relative === "LICENSE" ||
    relative === "NOTICE" ||
    (relative.startsWith("dist/cjs/") && (relative.endsWith(".js") || relative.endsWith("package.json")));
  const files: Record<string, Uint8Array> = {};
  for (const relative of listFiles(packageDir).filter(isRuntimeFile)) {
    files[`nodejs/node_modules/${LAYER_PACKAGE}/${relative}`] = readFileSync(path.join(packageDir, relative));
  }
  return files;
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const relative = prefix === "" ? name : `${prefix}/${name}`;
    return statSync(path.join(dir, name)).isDirectory()
      ? listFiles(path.join(dir, name), relative)
      : [relative];
  });
}

function zip(name: string, files: Record<string, Uint8Array>): BuiltArtifact {
  const entries: Zippable = {};
  for (const filePath of Object.keys(files).sort()) {
    entries[filePath] = [
      files[filePath] as Uint8Array,
      { mtime: FIXED_MTIME, attrs: FILE_MODE << 16, os: UNIX },
    ];
  }
  return { name, bytes: zipSync(entries, { level: 9 }), files: Object.keys(files).length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "out-dir": { type: "string", default: "dist" } } });
  const outDir = path.resolve(ROOT, values["out-dir"] ?? "dist");
  mkdirSync(outDir, { recursive: true });
  for (const artifact of await buildArtifacts()) {
    writeFileSync(path.join(outDir, artifact.name), artifact.bytes);
    console.log(
      `${path.relative(ROOT, path.join(outDir, artifact.name))}  ${artifact.bytes.length} bytes, ${artifact.files} files`,
    );
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  await main();
}
