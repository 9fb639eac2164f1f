/**
 * `npm run build`: type-checks nothing (that is `npm run typecheck`), bundles the Lambda sources with esbuild
 * and writes the four zips Terraform deploys. The zips are byte-for-byte reproducible: fixed entry order,
 * timestamps and modes, so the committed dist/ can be checked against the source.
 *
 *   tsx scripts/build.ts [--out-dir DIR]
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type BuildOptions, build, transformSync } from "esbuild";
import { type Zippable, zipSync } from "fflate";
import { writeSourceHash } from "../local/lambda/dist-build.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const LAYER_PACKAGE = "aws-jwt-verify";
const CEL_PACKAGE = "@marcbachmann/cel-js";
/** Loaded from the layer at run time (see jwt-library.ts and cel-library.ts), never bundled. */
const LAYER_PACKAGES = [LAYER_PACKAGE, `${LAYER_PACKAGE}/*`, CEL_PACKAGE];

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
    zip("preflight.zip", { "index.mjs": await bundle("lambda-src/preflight/handler.ts") }),
    zip("jwt-verify-layer.zip", { ...layerFiles(), ...(await celLayerFiles()) }),
  ];
}

/** What every bundle shares: one minified file, in memory. Smaller bundles load faster on a cold start. */
const BUNDLE_OPTIONS = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  minify: true,
  legalComments: "none",
  charset: "utf8",
  write: false,
  logLevel: "warning",
} as const satisfies BuildOptions;

async function bundleOne(options: BuildOptions, name: string): Promise<Uint8Array> {
  const { outputFiles = [] } = await build({ ...BUNDLE_OPTIONS, ...options });
  const [output] = outputFiles;
  if (output === undefined || outputFiles.length !== 1) {
    throw new Error(`esbuild produced ${outputFiles.length} files for ${name}`);
  }
  return output.contents;
}

function bundle(entryPoint: string): Promise<Uint8Array> {
  return bundleOne(
    {
      entryPoints: [entryPoint],
      format: "esm",
      target: "node22",
      // The layer provides them; the handler loads them through require() so NODE_PATH finds them.
      external: LAYER_PACKAGES,
      // Logs name errors by their `name`, which minifying keeps.
      outfile: "index.mjs",
    },
    entryPoint,
  );
}

/**
 * `nodejs/node_modules/aws-jwt-verify/…`: the package's runtime files only, minified. The authorizer require()s the
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
    const contents = readFileSync(path.join(packageDir, relative));
    files[`nodejs/node_modules/${LAYER_PACKAGE}/${relative}`] = relative.endsWith(".js")
      ? minifyModule(contents)
      : contents;
  }
  return files;
}

/**
 * The layer's size budget (bench/targets.ts) holds both libraries only minified. Each file is minified on
 * its own, so the package keeps its layout and module boundaries; names are kept for readable errors.
 */
function minifyModule(contents: Buffer): Uint8Array {
  const { code } = transformSync(contents.toString("utf8"), {
    loader: "js",
    format: "cjs",
    target: "node20",
    minify: true,
    keepNames: true,
    legalComments: "none",
    charset: "utf8",
  });
  return new TextEncoder().encode(code);
}

/**
 * `nodejs/node_modules/@marcbachmann/cel-js/…`: the package is ESM only, and Lambda resolves layer
 * packages for require() alone, so the build bundles it into one minified CommonJS file, next to its
 * licence and a package.json that names the version it was built from.
 */
async function celLayerFiles(): Promise<Record<string, Uint8Array>> {
  const packageDir = path.join(ROOT, "node_modules", CEL_PACKAGE);
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    version: string;
    license: string;
  };
  const contents = await bundleOne(
    {
      stdin: { contents: `module.exports = require(${JSON.stringify(CEL_PACKAGE)});`, resolveDir: ROOT },
      format: "cjs",
      target: "node20",
      keepNames: true,
      outfile: "index.cjs",
    },
    CEL_PACKAGE,
  );
  const target = `nodejs/node_modules/${CEL_PACKAGE}`;
  const packageJson = {
    name: CEL_PACKAGE,
    version: manifest.version,
    license: manifest.license,
    description: `${CEL_PACKAGE} ${manifest.version}, bundled into one CommonJS file for the Lambda layer`,
    type: "commonjs",
    main: "index.cjs",
  };
  return {
    [`${target}/index.cjs`]: contents,
    [`${target}/package.json`]: new TextEncoder().encode(`${JSON.stringify(packageJson, null, 2)}\n`),
    [`${target}/LICENSE`]: readFileSync(path.join(packageDir, "LICENSE")),
  };
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
  // What npm start compares with the sources to decide whether to rebuild (local/lambda/dist-build.ts).
  await writeSourceHash(ROOT, outDir);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  await main();
}
