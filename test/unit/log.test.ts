import { afterEach, describe, expect, it, vi } from "vitest";
import type { LogLevel } from "../../lambda-src/authorizer/config.js";
import { createLogger } from "../../lambda-src/authorizer/log.js";

const LEVELS: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createLogger", () => {
  it.each(LEVELS.map((minimum, index) => [minimum, index] as const))(
    "at %s, writes that level and every one above it, and nothing below",
    (minimum, index) => {
      const lines: string[] = [];
      const logger = createLogger(minimum, "svc", (line) => lines.push(line));

      for (const level of LEVELS) {
        logger.log(level, `at ${level}`);
      }

      expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(LEVELS.slice(index));
      expect(LEVELS.map((level) => logger.enabled(level))).toEqual(LEVELS.map((_, at) => at >= index));
    },
  );

  it("writes one JSON object with the timestamp, level, service and message first, then the fields", () => {
    const lines: string[] = [];
    const logger = createLogger("INFO", "entra-authorizer", (line) => lines.push(line));

    logger.log("WARN", "something happened", { reason: "X", count: 2 });

    const [line] = lines;
    const parsed = JSON.parse(line ?? "") as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["timestamp", "level", "service", "message", "reason", "count"]);
    expect(parsed).toMatchObject({
      level: "WARN",
      service: "entra-authorizer",
      message: "something happened",
    });
    expect(new Date(parsed.timestamp as string).toISOString()).toBe(parsed.timestamp);
  });

  it("writes to stdout, one line per entry, by default", () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const logger = createLogger("INFO", "svc");

    logger.log("INFO", "hello");
    logger.log("DEBUG", "hidden");

    expect(write).toHaveBeenCalledOnce();
    const [text] = write.mock.calls[0] ?? [];
    expect(String(text)).toMatch(/^\{.*"message":"hello"\}\n$/);
  });
});
