/**
 * `.local/stack-<port>.json`: how `npm run token` finds a stack `npm start` is running. One file
 * per API port, so two stacks in one checkout keep their own. It holds local URLs and the dev
 * client's made-up secret, nothing that works anywhere else.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TokenVersion } from "../entra/entra-tokens.js";

export interface StackState {
  pid: number;
  startedAt: string;
  /** The API's port: the key of this state file. */
  port: number;
  url: string;
  routes: string[];
  tenantId: string;
  issuerBaseUrl: string;
  authorityHost: string;
  /** POST here for dev tokens (see dev-token-endpoint.ts); another tenant's is the same path under its GUID. */
  devTokenUrl: string;
  caCertPath: string;
  tokenVersions: TokenVersion[];
  api: { appId: string; identifierUri: string };
  client: { clientId: string; clientSecret: string; scope: string; roles: string[] };
}

const STATE_FILE = /^stack-(\d{1,5})\.json$/;

/**
 * `.local/` of the repository, where `npm start` keeps the CA and the state files. LOCAL_STACK_DIR
 * moves it, so tests can run a stack next to a developer's own.
 */
export function localStackDir(repoRoot: string): string {
  return process.env.LOCAL_STACK_DIR ?? join(repoRoot, ".local");
}

export function stateFilePath(localDir: string, port: number): string {
  return join(localDir, `stack-${port}.json`);
}

export async function writeStackState(localDir: string, state: StackState): Promise<void> {
  await writeFile(stateFilePath(localDir, state.port), `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** The states of the stacks still running, by port; files of stopped stacks are skipped. */
export async function runningStacks(localDir: string): Promise<StackState[]> {
  const names = await readdir(localDir).catch(() => [] as string[]);
  const states: StackState[] = [];
  for (const name of names.filter((entry) => STATE_FILE.test(entry)).sort()) {
    try {
      const state = JSON.parse(await readFile(join(localDir, name), "utf8")) as StackState;
      if (isAlive(state.pid)) states.push(state);
    } catch {
      // A file being written or left broken: not a stack to talk to.
    }
  }
  return states.sort((left, right) => left.port - right.port);
}

export type StackChoice = { state: StackState } | { error: string };

/**
 * The stack a CLI should talk to: the one on `port` when given; otherwise the only one running, or,
 * with several, the one on `preferredPort` (PORT, else 3000, as `npm start` picks it).
 */
export function chooseStack(
  running: readonly StackState[],
  port: number | undefined,
  preferredPort: number,
): StackChoice {
  if (port !== undefined) {
    const state = running.find((candidate) => candidate.port === port);
    if (state !== undefined) return { state };
    return {
      error:
        running.length === 0
          ? `No local stack is running on port ${port}. Start one with \`npm start -- --port ${port}\`, then retry.`
          : `No local stack is running on port ${port}; running: ${describe(running)}.`,
    };
  }
  if (running.length === 0) {
    return {
      error: "The local stack is not running. Start it in another terminal with `npm start`, then retry.",
    };
  }
  if (running.length === 1) return { state: running[0] as StackState };
  const preferred = running.find((candidate) => candidate.port === preferredPort);
  if (preferred !== undefined) return { state: preferred };
  return { error: `Several local stacks are running (${describe(running)}): pick one with --port N.` };
}

function describe(running: readonly StackState[]): string {
  return running.map((state) => `port ${state.port}`).join(", ");
}

/** Removes the state file of `port` if it still describes this process's stack. */
export async function removeStackState(localDir: string, port: number, pid = process.pid): Promise<void> {
  const path = stateFilePath(localDir, port);
  try {
    const state = JSON.parse(await readFile(path, "utf8")) as StackState;
    if (state.pid !== pid) return;
  } catch {
    return;
  }
  await rm(path, { force: true });
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
