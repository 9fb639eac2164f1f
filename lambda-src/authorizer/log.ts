import type { LogLevel } from "./config.js";

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/**
 * One JSON object per line with stable keys (timestamp, level, service, message, then fields), written
 * straight to stdout so CloudWatch stores each line as one event. Callers pass only fields they built
 * themselves: no token, no raw header, no library error message.
 */
export function createLogger(
  minimumLevel: LogLevel,
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  return {
    log(level, message, fields) {
      if (SEVERITY[level] < SEVERITY[minimumLevel]) {
        return;
      }
      write(
        JSON.stringify({
          timestamp: new Date().toISOString(),
          level: level.toUpperCase(),
          service,
          message,
          ...fields,
        }),
      );
    },
  };
}
