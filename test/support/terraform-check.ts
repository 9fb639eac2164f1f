/**
 * Vitest global setup: when the run includes tests that drive Terraform, check once that a
 * `terraform` binary works, and stop with one plain sentence instead of a wall of failed assertions.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Test files that call the terraform binary. */
export const TERRAFORM_TEST_FILES = ["test/terraform.test.ts", "test/cdktf-example.test.ts"];

/**
 * Whether a run with these command-line filters includes a Terraform test. Vitest selects the files
 * whose path contains a filter; no filter selects every file.
 */
export function runNeedsTerraform(filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) =>
    TERRAFORM_TEST_FILES.some((file) => file.includes(filter.replace(/^\.\//, ""))),
  );
}

/** The positional arguments of `vitest [run] [filters…]`. */
export function cliFilters(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  const positional: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg.startsWith("-")) {
      // `--flag value` forms would make value look like a filter; the ones this project uses carry no value.
      continue;
    }
    positional.push(arg);
  }
  return positional.filter(
    (arg, index) => !(index === 0 && ["run", "watch", "dev", "related"].includes(arg)),
  );
}

export async function terraformVersion(): Promise<string> {
  const { stdout } = await run("terraform", ["version", "-json"], {
    timeout: 30_000,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
}

export async function setup(): Promise<void> {
  if (!runNeedsTerraform(cliFilters(process.argv))) return;
  try {
    await terraformVersion();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "not on PATH" : (error as Error).message;
    throw new Error(
      `Terraform is missing (terraform ${reason}). The Terraform tests (${TERRAFORM_TEST_FILES.join(", ")}) ` +
        "need the terraform binary on PATH: install Terraform, or run the other tests alone (npx vitest run test/local).",
      { cause: error },
    );
  }
}
