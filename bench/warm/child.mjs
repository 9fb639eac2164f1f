/**
 * The warm micro benchmark, run by bench/warm-cost.ts in a Lambda-laid-out child process.
 *
 * Every implementation runs in this one process, in interleaved rounds (the order reversed every other
 * round), so that CPU frequency, GC state and machine noise hit them alike. Each round takes a fresh
 * slice of tokens that no implementation has seen: the built authorizer's verified-token cache never
 * hits, except in the repeated-token instances, which cycle through a small pool they have already
 * verified. Each authorizer configuration is its own instance of the bundle (another URL is another
 * module), with its own environment read at import, its own caches and its own JWKS fetch, and answers
 * its own front door's events (HTTP API, REST API TOKEN or REQUEST, AppSync) built from the same tokens.
 *
 * Plain JavaScript on purpose: a TypeScript loader would sit between the runtime and the built bundle.
 * argv[2] is the path of the config file written by warm-cost.ts.
 */
import { createPublicKey, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { eventFor, isAllowed, requestEvent } from "../request-event.mjs";
import { verifyFloor } from "./floor.mjs";
import { createLibraryVerifier } from "./library-only.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { tokens, publicJwk, routeArn, methodArn, refusals } = JSON.parse(
  readFileSync(config.tokensPath, "utf8"),
);
const arns = { routeArn, methodArn };
const perRound = config.firstSeenPerRound;
if (tokens.length < (config.rounds + 1) * perRound) throw new Error("not enough tokens for the rounds");
const key = createPublicKey({ key: publicJwk, format: "jwk" });
const handlerUrl = pathToFileURL(join(process.cwd(), "index.mjs")).href;

const contexts = Array.from({ length: perRound }, (_, index) => ({ awsRequestId: `bench-${index}` }));
/** Each front door whose events some instance answers (the comparison authorizers read HTTP API events). */
const frontDoors = [
  ...new Set(["httpApi", ...Object.values(config.authorizers).map((item) => item.frontDoor)]),
];
const eventsOf = (frontDoor, slice) => slice.map((token) => eventFor(frontDoor, token, arns));
const pools = Object.fromEntries(
  frontDoors.map((frontDoor) => [frontDoor, eventsOf(frontDoor, tokens.slice(0, config.repeatedPool))]),
);
const pool = pools.httpApi;
/** The current pass: tokens[offset …] and each front door's events for them, built before the pass, untimed. */
let offset = 0;
let events = {};

const allowed = (response) => isAllowed(response, config.deniedFields);
const verified = (payload) => typeof payload?.scp === "string";

/** Authorizer instances by implementation name, for the log-line measurement after the rounds. */
const handlers = {};

/** An authorizer instance with the environment changes of its configuration, restored after the import. */
async function importAuthorizer(name) {
  const changes = config.authorizers[name].environment;
  const saved = Object.fromEntries(Object.keys(changes).map((variable) => [variable, process.env[variable]]));
  const apply = (values) => {
    for (const [variable, value] of Object.entries(values)) {
      if (value === null || value === undefined) delete process.env[variable];
      else process.env[variable] = value;
    }
  };
  apply(changes);
  try {
    handlers[name] = (await import(`${handlerUrl}?${name}`)).handler;
    return handlers[name];
  } finally {
    apply(saved);
  }
}

/** A built-authorizer instance: first-seen tokens, or (`repeated`) the pool its cache already holds. */
const authorizer = (name) => {
  const { frontDoor, repeated } = config.authorizers[name];
  return {
    name,
    setup: async () => {
      const handler = await importAuthorizer(name);
      if (repeated) {
        const repeatedPool = pools[frontDoor];
        return (index) => handler(repeatedPool[index % repeatedPool.length], contexts[index]);
      }
      return (index) => handler(events[frontDoor][index], contexts[index]);
    },
    ok: allowed,
  };
};

/** Implementations in round order; `setup` runs once, untimed, and its JWKS fetches count as init. */
const implementations = [
  {
    name: "floor",
    sync: true,
    setup: async () => (index) => verifyFloor(tokens[offset + index], key),
    ok: verified,
  },
  {
    name: "library",
    sync: true,
    setup: async () => {
      const verify = await createLibraryVerifier();
      return (index) => verify(tokens[offset + index]);
    },
    ok: verified,
  },
  ...Object.keys(config.authorizers).map(authorizer),
  {
    name: "jose",
    setup: async () => {
      const { handler } = await import("./jose-authorizer.mjs");
      return (index) => handler(events.httpApi[index], contexts[index]);
    },
    ok: allowed,
  },
  {
    name: "walkthrough",
    perRound: config.walkthroughPerRound,
    setup: async () => {
      const { handler } = await import("./walkthrough-authorizer.mjs");
      return (index) => handler(events.httpApi[index], contexts[index]);
    },
    ok: allowed,
  },
];

const results = {};
startPass(0);
for (const implementation of implementations) {
  const before = await jwksFetchCount();
  implementation.run = await implementation.setup();
  // One untimed pass warms the JIT (and fills the repeated pool's cache); its fetches are the start-up fetches.
  const warm = await timeRound(implementation);
  if (warm.allowed !== warm.count)
    throw new Error(`${implementation.name}: warm-up pass was not all allowed`);
  results[implementation.name] = {
    initFetches: (await jwksFetchCount()) - before,
    steadyFetches: 0,
    rounds: [],
  };
}

for (let round = 1; round <= config.rounds; round += 1) {
  startPass(round);
  const order = round % 2 === 0 ? implementations : [...implementations].reverse();
  for (const implementation of order) {
    const before = await jwksFetchCount();
    const sample = await timeRound(implementation);
    const result = results[implementation.name];
    result.steadyFetches += (await jwksFetchCount()) - before;
    if (sample.allowed !== sample.count) throw new Error(`${implementation.name}: a valid token was refused`);
    result.rounds.push({ ...sample, round });
  }
}

const logLines = await measureLogLines();
process.send({ type: "result", results, logLines });
process.disconnect();

function startPass(pass) {
  offset = pass * perRound;
  const slice = tokens.slice(offset, offset + perRound);
  events = Object.fromEntries(frontDoors.map((frontDoor) => [frontDoor, eventsOf(frontDoor, slice)]));
}

async function timeRound(implementation) {
  const count = implementation.perRound ?? perRound;
  const { run, ok } = implementation;
  let accepted = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (implementation.sync) {
    for (let i = 0; i < count; i += 1) if (ok(run(i))) accepted += 1;
  } else {
    for (let i = 0; i < count; i += 1) if (ok(await run(i))) accepted += 1;
  }
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    count,
    allowed: accepted,
    nsPerOp: elapsedNs / count,
    cpuNsPerOp: ((cpu.user + cpu.system) * 1000) / count,
  };
}

/**
 * The decision lines CloudWatch would store, as the built authorizer writes them: allow lines from the
 * INFO instance, refusal lines (WARN) from the default one, with request IDs shaped like Lambda's
 * (UUIDs). stdout is captured for the duration, so the parent's pipe sees none of these.
 */
async function measureLogLines() {
  const captured = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk) => {
    captured.push(String(chunk));
    return true;
  };
  try {
    const lines = async (handler, event, count) => {
      for (let i = 0; i < count; i += 1) await handler(event(i), { awsRequestId: randomUUID() });
      return summarize(captured.splice(0));
    };
    const { authorizerInfo: info, authorizer: quiet } = handlers;
    const allow = await lines(info, (i) => pool[i % pool.length], config.logSamples);
    const quietAllow = await lines(quiet, (i) => pool[i % pool.length], config.logSamples);
    const refusalLines = {};
    for (const [reason, token] of Object.entries(refusals)) {
      const event = requestEvent(token, routeArn);
      const measured = await lines(quiet, () => event, config.logSamples);
      if (measured.reasons.some((found) => found !== reason)) {
        throw new Error(`refusal sample for ${reason} was logged as ${measured.reasons.join(", ")}`);
      }
      refusalLines[reason] = measured;
    }
    return { allow, allowAtDefaultLevel: quietAllow.count, refusals: refusalLines };
  } finally {
    process.stdout.write = write;
  }
}

function summarize(chunks) {
  const lines = chunks
    .join("")
    .split("\n")
    .filter((line) => line !== "");
  const bytes = lines.map((line) => Buffer.byteLength(line));
  const parsed = lines.map((line) => JSON.parse(line));
  return {
    count: lines.length,
    meanBytes: bytes.length === 0 ? 0 : bytes.reduce((sum, value) => sum + value, 0) / bytes.length,
    maxBytes: bytes.length === 0 ? 0 : Math.max(...bytes),
    reasons: [...new Set(parsed.map((line) => line.reason))],
    levels: [...new Set(parsed.map((line) => line.level))],
    sample: lines[0],
  };
}

/** Asks the parent, which runs the issuer, how many JWKS requests it has served so far. */
function jwksFetchCount() {
  return new Promise((resolve) => {
    process.once("message", (message) => resolve(message.count));
    process.send({ type: "jwks-count" });
  });
}
