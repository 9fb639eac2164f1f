/**
 * Command-line parsing shared by the CLIs (start, token, smoke): node:util parseArgs, with a mistake
 * turned into one line and the usage instead of a stack trace. The line never repeats what was
 * typed after a flag, since that may be a secret (`--client-secret=…` misspelled, say).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCliArgs<T extends Options>(
  args: readonly string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"] {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(describeMistake(error, args, options), { cause: error });
  }
}

function describeMistake(error: unknown, args: readonly string[], options: Options): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const unknown = args
      .filter((arg) => arg.startsWith("-") && arg !== "--")
      .map((arg) => arg.split("=")[0] as string)
      .find((flag) => {
        const name = flag.replace(/^--?/, "");
        return !(name in options) && !Object.values(options).some((option) => option.short === name);
      });
    return `Unknown option ${unknown ?? "(unreadable)"}.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const position = args.findIndex(
      (arg, index) => !arg.startsWith("-") && !takesValue(args[index - 1], options),
    );
    return `Unexpected argument${position >= 0 ? ` (the ${ordinal(position + 1)} one)` : ""}: every value follows its --flag.`;
  }
  // Missing or ambiguous values: Node's message names the flag only.
  return (error as Error).message.split("\n")[0] ?? "Invalid arguments.";
}

function takesValue(previous: string | undefined, options: Options): boolean {
  if (previous === undefined || !previous.startsWith("--") || previous.includes("=")) return false;
  return options[previous.slice(2)]?.type === "string";
}

function ordinal(position: number): string {
  return position === 1 ? "1st" : position === 2 ? "2nd" : position === 3 ? "3rd" : `${position}th`;
}
