import { describe, expect, it } from "vitest";
import { type TokenCacheLimits, VerifiedTokenCache } from "../../lambda-src/authorizer/token-cache.js";

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const ROOMY: TokenCacheLimits = { maxEntries: 100, maxTokenCharacters: 10_000, maxAgeSeconds: 300 };

function setup(limits: Partial<TokenCacheLimits> = {}) {
  const clock = { now: NOW_MS };
  const cache = new VerifiedTokenCache<string>({ ...ROOMY, ...limits }, () => clock.now);
  return { clock, cache };
}

describe("VerifiedTokenCache", () => {
  it("returns what was stored for the whole token string, and nothing for another", () => {
    const { cache } = setup();

    cache.set("token-a", "claims-a", NOW_S + 3600);

    expect(cache.get("token-a")).toBe("claims-a");
    expect(cache.get("token-b")).toBeUndefined();
    expect(cache.get("token-")).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it("keeps an entry until the token's exp, and not a millisecond longer", () => {
    const { clock, cache } = setup({ maxAgeSeconds: 3600 });
    cache.set("token", "claims", NOW_S + 60);

    clock.now = NOW_MS + 60_000 - 1;
    const justBefore = cache.get("token");
    clock.now = NOW_MS + 60_000;
    const atExp = cache.get("token");

    expect(justBefore).toBe("claims");
    expect(atExp).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("keeps an entry at most maxAgeSeconds, even when exp is later", () => {
    const { clock, cache } = setup({ maxAgeSeconds: 30 });
    cache.set("token", "claims", NOW_S + 3600);

    clock.now = NOW_MS + 30_000 - 1;
    const justBefore = cache.get("token");
    clock.now = NOW_MS + 30_000;
    const atMaxAge = cache.get("token");

    expect(justBefore).toBe("claims");
    expect(atMaxAge).toBeUndefined();
  });

  it("stores nothing when maxAgeSeconds is 0", () => {
    const { cache } = setup({ maxAgeSeconds: 0 });

    cache.set("token", "claims", NOW_S + 3600);

    expect(cache.get("token")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("stores nothing for a token that expires now or has expired, and stores one that expires a second later", () => {
    const { cache } = setup();

    cache.set("expired", "claims", NOW_S - 1);
    cache.set("expiring-now", "claims", NOW_S);
    cache.set("one-second-left", "claims", NOW_S + 1);

    expect(cache.size).toBe(1);
    expect(cache.get("expired")).toBeUndefined();
    expect(cache.get("expiring-now")).toBeUndefined();
    expect(cache.get("one-second-left")).toBe("claims");
    expect(cache.size).toBe(1);
  });

  it("stores a token whose exp is a fraction of a second ahead", () => {
    const { clock, cache } = setup();
    clock.now = NOW_MS + 500;

    cache.set("token", "claims", NOW_S + 1);

    expect(cache.get("token")).toBe("claims");
  });

  it("drops the oldest entry beyond maxEntries", () => {
    const { cache } = setup({ maxEntries: 3 });

    for (const token of ["t1", "t2", "t3", "t4"]) {
      cache.set(token, `claims of ${token}`, NOW_S + 3600);
    }

    expect(cache.size).toBe(3);
    expect(cache.get("t1")).toBeUndefined();
    expect(cache.get("t2")).toBe("claims of t2");
    expect(cache.get("t4")).toBe("claims of t4");
  });

  it("holds exactly maxEntries entries", () => {
    const { cache } = setup({ maxEntries: 3 });

    for (const token of ["t1", "t2", "t3"]) {
      cache.set(token, token, NOW_S + 3600);
    }

    expect(cache.size).toBe(3);
    expect(cache.get("t1")).toBe("t1");
  });

  it("drops the oldest entries until the tokens fit in maxTokenCharacters, and holds exactly that many", () => {
    const { cache } = setup({ maxTokenCharacters: 12 });

    cache.set("aaaa", "a", NOW_S + 3600);
    cache.set("bbbb", "b", NOW_S + 3600);
    cache.set("cccc", "c", NOW_S + 3600);
    const fullAtLimit = cache.size;
    cache.set("dddddddd", "d", NOW_S + 3600);

    expect(fullAtLimit).toBe(3);
    expect(cache.size).toBe(2);
    expect(cache.get("aaaa")).toBeUndefined();
    expect(cache.get("bbbb")).toBeUndefined();
    expect(cache.get("cccc")).toBe("c");
    expect(cache.get("dddddddd")).toBe("d");
  });

  it("never stores a token longer than maxTokenCharacters, and stores one of exactly that length", () => {
    const { cache } = setup({ maxTokenCharacters: 8 });
    cache.set("keep", "k", NOW_S + 3600);

    cache.set("123456789", "too long", NOW_S + 3600);
    const afterTooLong = { size: cache.size, kept: cache.get("keep") };
    cache.set("12345678", "fits", NOW_S + 3600);

    expect(afterTooLong).toEqual({ size: 1, kept: "k" });
    expect(cache.get("123456789")).toBeUndefined();
    expect(cache.get("12345678")).toBe("fits");
    expect(cache.size).toBe(1);
  });

  it("replaces an entry stored again without counting its characters twice", () => {
    const { cache } = setup({ maxTokenCharacters: 8 });

    cache.set("aaaa", "first", NOW_S + 3600);
    cache.set("aaaa", "second", NOW_S + 3600);
    cache.set("aaaa", "third", NOW_S + 3600);
    cache.set("bbbb", "b", NOW_S + 3600);

    expect(cache.size).toBe(2);
    expect(cache.get("aaaa")).toBe("third");
    expect(cache.get("bbbb")).toBe("b");
  });

  it("makes an entry stored again the newest", () => {
    const { cache } = setup({ maxEntries: 2 });

    cache.set("t1", "1", NOW_S + 3600);
    cache.set("t2", "2", NOW_S + 3600);
    cache.set("t1", "1 again", NOW_S + 3600);
    cache.set("t3", "3", NOW_S + 3600);

    expect(cache.get("t1")).toBe("1 again");
    expect(cache.get("t2")).toBeUndefined();
    expect(cache.get("t3")).toBe("3");
  });

  it("gives back the characters of an entry that expired", () => {
    const { clock, cache } = setup({ maxTokenCharacters: 8, maxAgeSeconds: 10 });
    cache.set("aaaa", "a", NOW_S + 3600);
    clock.now += 10_000;
    expect(cache.get("aaaa")).toBeUndefined();

    cache.set("bbbb", "b", NOW_S + 3600);
    cache.set("cccc", "c", NOW_S + 3600);

    expect(cache.get("bbbb")).toBe("b");
    expect(cache.get("cccc")).toBe("c");
  });

  it("forgets everything on clear, characters included", () => {
    const { cache } = setup({ maxTokenCharacters: 8 });
    cache.set("aaaa", "a", NOW_S + 3600);
    cache.set("bbbb", "b", NOW_S + 3600);

    cache.clear();
    const sizeAfterClear = cache.size;
    const clearedEntry = cache.get("bbbb");
    cache.set("cccc", "c", NOW_S + 3600);
    cache.set("dddd", "d", NOW_S + 3600);

    expect(sizeAfterClear).toBe(0);
    expect(clearedEntry).toBeUndefined();
    expect(cache.get("aaaa")).toBeUndefined();
    expect(cache.size).toBe(2);
    expect(cache.get("cccc")).toBe("c");
    expect(cache.get("dddd")).toBe("d");
  });

  it("reads the system clock by default", () => {
    const cache = new VerifiedTokenCache<string>(ROOMY);
    const nowSeconds = Math.floor(Date.now() / 1000);

    cache.set("live", "claims", nowSeconds + 3600);
    cache.set("dead", "claims", nowSeconds - 1);

    expect(cache.get("live")).toBe("claims");
    expect(cache.get("dead")).toBeUndefined();
  });
});
