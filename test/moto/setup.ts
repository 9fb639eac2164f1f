/**
 * Vitest global setup of the moto suite: stop with one line when Python's moto is missing or not
 * the version the patches in test/moto/server.py were written for, instead of skipping anything.
 */
import { terraformVersion } from "../support/terraform-check.js";
import { INSTALL_MOTO, motoProblem, MOTO_VERSION } from "./harness.js";

export async function setup(): Promise<void> {
  const problem = await motoProblem();
  if (problem) {
    throw new Error(`The moto suite needs moto ${MOTO_VERSION} (${problem}): ${INSTALL_MOTO}`);
  }
  await terraformVersion().catch((error: unknown) => {
    throw new Error("The moto suite needs the terraform binary on PATH: install Terraform.", {
      cause: error,
    });
  });
}
