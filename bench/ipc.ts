/** Control messages between the benchmark and its child processes (never per-request traffic). */
import type { ChildProcess } from "node:child_process";

/** The next IPC message of `type` from the child, or a rejection when it exits or takes too long. */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" message within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: { type?: string }) => {
      if (message?.type === type) finish(undefined, message as T);
    };
    const onExit = (code: number | null) => finish(new Error(`child exited (${code}) before "${type}"`));
    function finish(error: Error | undefined, message?: T) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error === undefined) resolve(message as T);
      else reject(error);
    }
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Sends `{ type }` and waits for the child's answer of the same type. */
export function ask<T>(child: ChildProcess, type: string, timeoutMs = 10_000): Promise<T> {
  const answer = nextMessage<T>(child, type, timeoutMs);
  child.send({ type });
  return answer;
}
