/**
 * `.local/stack.json`: how `npm run token` finds the stack `npm start` is running. It holds local
 * URLs and the dev client's made-up secret, nothing that works anywhere else.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TokenVersion } from "./entra-tokens.js";

export interface StackState {
  pid: number;
  startedAt: string;
  url: string;
  routes: string[];
  tenantId: string;
  issuerBaseUrl: string;
  authorityHost: string;
  /** POST here for dev tokens (see dev-token-endpoint.ts). */
  devTokenUrl: string;
  caCertPath: string;
  tokenVersions: TokenVersion[];
  api: { appId: string; identifierUri: string };
  client: { clientId: string; clientSecret: string; scope: string };
}

export const STATE_FILE_NAME = "stack.json";

/**
 * `.local/` of the repository, where `npm start` keeps the CA and the state file. LOCAL_STACK_DIR
 * moves it, so tests can run a stack next to a developer's own.
 */
export function localStackDir(repoRoot: string): string {
  return process.env.LOCAL_STACK_DIR ?? join(repoRoot, ".local");
}

export function stateFilePath(localDir: string): string {
  return join(localDir, STATE_FILE_NAME);
}

export async function writeStackState(localDir: string, state: StackState): Promise<void> {
  await writeFile(stateFilePath(localDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The state of a stack that is still running, or undefined. */
export async function readStackState(localDir: string): Promise<StackState | undefined> {
  let state: StackState;
  try {
    state = JSON.parse(await readFile(stateFilePath(localDir), "utf8")) as StackState;
  } catch {
    return undefined;
  }
  return isAlive(state.pid) ? state : undefined;
}

/** Removes the state file if it still describes this process's stack. */
export async function removeStackState(localDir: string, pid = process.pid): Promise<void> {
  try {
    const state = JSON.parse(await readFile(stateFilePath(localDir), "utf8")) as StackState;
    if (state.pid !== pid) return;
  } catch {
    return;
  }
  await rm(stateFilePath(localDir), { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
