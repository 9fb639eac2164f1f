import type { LogLevel } from "./config.js";

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  TRACE: 0,
  DEBUG: 1,
  INFO: 2,
  WARN: 3,
  ERROR: 4,
  FATAL: 5,
};

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  /** Whether a line at this level would be written: callers skip building fields for one that would not. */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/**
 * One JSON object per line with stable keys (timestamp, level, service, message, then fields), written
 * straight to stdout. With Lambda's JSON log format, a line that is a JSON object with a `level` key is
 * stored as it is and filtered by the function's application log level; below that level nothing is
 * even built here. Callers pass only fields they built themselves: no token, no raw header, no library
 * error message.
 */
export function createLogger(
  minimumLevel: LogLevel,
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const minimum = SEVERITY[minimumLevel];
  return {
    enabled: (level) => SEVERITY[level] >= minimum,
    log(level, message, fields) {
      if (SEVERITY[level] < minimum) {
        return;
      }
      write(JSON.stringify({ timestamp: new Date().toISOString(), level, service, message, ...fields }));
    },
  };
}
