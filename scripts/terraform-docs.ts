// Generates the Inputs and Outputs tables of the root and submodule READMEs from their HCL.
//
//   npm run docs            rewrite the tables between the <!-- BEGIN_TF_DOCS --> / <!-- END_TF_DOCS --> markers
//   npm run docs -- --check exit 1, listing the READMEs whose tables are stale
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Loaded through require so its type declarations, which pull the DOM library into the whole
// program, stay out of the type check.
const require = createRequire(import.meta.url);
const hcl2json = require("@cdktf/hcl2json") as {
  parse(filename: string, contents: string): Promise<HclDocument>;
};

interface HclVariable {
  description?: string;
  type?: string;
  default?: unknown;
}

interface HclOutput {
  description?: string;
}

interface HclDocument {
  variable?: Record<string, HclVariable[]>;
  output?: Record<string, HclOutput[]>;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Module folders whose README carries generated tables, relative to the repository root. */
export async function documentedModules(repoRoot: string = REPO_ROOT): Promise<string[]> {
  const entries = await readdir(path.join(repoRoot, "modules"), { withFileTypes: true });
  const submodules = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => `modules/${entry.name}`)
    .sort();
  return [".", ...submodules];
}

async function parseModule(dir: string): Promise<Required<HclDocument>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".tf")).sort();
  const merged: Required<HclDocument> = { variable: {}, output: {} };
  for (const file of files) {
    const document = await hcl2json.parse(file, await readFile(path.join(dir, file), "utf8"));
    Object.assign(merged.variable, document.variable);
    Object.assign(merged.output, document.output);
  }
  return merged;
}

/** One Markdown table cell: no line breaks, no pipes, no stray HTML or emphasis. */
function cell(text: string): string {
  return text
    .replace(/\|/g, "\\|")
    .replace(/\*/g, "\\*")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");
}

function code(text: string): string {
  return `\`${text.replace(/\|/g, "\\|")}\``;
}

/** `${map(object({\n a = x\n b = y\n}))}` → `map(object({ a = x, b = y }))`. */
export function formatType(raw: string | undefined): string {
  if (raw === undefined) {
    return "any";
  }
  const expression = raw.replace(/^\$\{/, "").replace(/\}$/, "");
  const lines = expression
    .split("\n")
    .map((line) => line.trim().replace(/\s+/g, " "))
    .filter((line) => line.length > 0);
  let result = lines[0] ?? "";
  for (const line of lines.slice(1)) {
    const opens = /[{(]$/.test(result);
    const closes = /^[})]/.test(line);
    result += opens || closes ? ` ${line}` : `, ${line}`;
  }
  return result;
}

function formatDefault(variable: HclVariable): string {
  if (!("default" in variable)) {
    return "n/a";
  }
  return code(JSON.stringify(variable.default));
}

export function renderInputs(variables: Record<string, HclVariable[]>): string {
  const rows = Object.entries(variables).map(([name, [variable = {}]]) => ({
    name,
    variable,
    required: !("default" in variable),
  }));
  rows.sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
  const lines = [
    "| Name | Description | Type | Default | Required |",
    "|------|-------------|------|---------|:--------:|",
    ...rows.map(
      ({ name, variable, required }) =>
        `| ${code(name)} | ${cell(variable.description ?? "")} | ${code(formatType(variable.type))} | ${formatDefault(variable)} | ${required ? "yes" : "no"} |`,
    ),
  ];
  return lines.join("\n");
}

export function renderOutputs(outputs: Record<string, HclOutput[]>): string {
  const names = Object.keys(outputs).sort((a, b) => a.localeCompare(b));
  const lines = [
    "| Name | Description |",
    "|------|-------------|",
    ...names.map((name) => `| ${code(name)} | ${cell(outputs[name]?.[0]?.description ?? "")} |`),
  ];
  return lines.join("\n");
}

function replaceBetween(text: string, marker: string, content: string, file: string): string {
  const begin = `<!-- BEGIN_${marker} -->`;
  const end = `<!-- END_${marker} -->`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start === -1 || stop === -1 || stop < start) {
    throw new Error(`${file} lacks the ${begin} … ${end} markers`);
  }
  return `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`;
}

/** The README of one module folder as it should read, with freshly generated tables. */
export async function renderReadme(
  moduleDir: string,
): Promise<{ file: string; current: string; expected: string }> {
  const file = path.join(moduleDir, "README.md");
  const current = await readFile(file, "utf8");
  const { variable, output } = await parseModule(moduleDir);
  // terraform-docs' own markers, so that tool can take over the section.
  const tables = `## Inputs\n\n${renderInputs(variable)}\n\n## Outputs\n\n${renderOutputs(output)}`;
  const expected = replaceBetween(current, "TF_DOCS", tables, file);
  return { file, current, expected };
}

/** READMEs whose generated tables differ from the HCL, with their expected content. */
export async function staleReadmes(repoRoot: string = REPO_ROOT) {
  const results = [];
  for (const dir of await documentedModules(repoRoot)) {
    const readme = await renderReadme(path.join(repoRoot, dir));
    if (readme.current !== readme.expected) {
      results.push(readme);
    }
  }
  return results;
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const stale = await staleReadmes();
  for (const { file, expected } of stale) {
    const relative = path.relative(REPO_ROOT, file);
    if (check) {
      console.error(`stale: ${relative}`);
    } else {
      await writeFile(file, expected);
      console.log(`updated: ${relative}`);
    }
  }
  if (check && stale.length > 0) {
    console.error("Run npm run docs to regenerate the Terraform tables.");
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
