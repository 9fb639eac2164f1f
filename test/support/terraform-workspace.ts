/**
 * What the Terraform-driven tests share: running a command with its output in the error, and a
 * temporary copy of the repository's Terraform files, so the work tree gets no .terraform folders,
 * lock files or plans. The copy takes the committed dist/*.zip packages, or an empty placeholder
 * archive where one is not built yet: no Terraform test depends on their content.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export const REPO = path.resolve(import.meta.dirname, "..", "..");
export const INIT_SCRIPT = path.join(REPO, "scripts", "terraform-init.sh");
export const PACKAGES = ["authorizer.zip", "response.zip", "preflight.zip", "jwt-verify-layer.zip"];
// An empty but valid zip archive: only the end-of-central-directory record.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const GENERATED = new Set([".terraform", "cdktf.out", "node_modules", ".terraform.lock.hcl", ".gen"]);

/** Terraform without prompts, update checks or interactive output. */
export const TERRAFORM_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
};

/** Runs a command; on failure, throws with its stdout and stderr in the message. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = TERRAFORM_ENV,
): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}\n${failure.stdout ?? ""}\n${failure.stderr ?? failure.message}`,
      { cause: error },
    );
  }
}

/** Copies the root module's files, the given folders and the dist/ packages into `target`. */
export async function copyTerraformSources(target: string, folders: readonly string[]): Promise<void> {
  const filter = (source: string) => {
    const name = path.basename(source);
    return !GENERATED.has(name) && !name.includes(".tfstate") && !name.endsWith(".tfplan");
  };
  for (const file of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]) {
    await cp(path.join(REPO, file), path.join(target, file));
  }
  for (const folder of folders) {
    await cp(path.join(REPO, folder), path.join(target, folder), { recursive: true, filter });
  }
  await mkdir(path.join(target, "dist"), { recursive: true });
  for (const zip of PACKAGES) {
    const built = path.join(REPO, "dist", zip);
    await (existsSync(built)
      ? cp(built, path.join(target, "dist", zip))
      : writeFile(path.join(target, "dist", zip), EMPTY_ZIP));
  }
}
