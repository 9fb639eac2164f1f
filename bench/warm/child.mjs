/**
 * The warm micro benchmark, run by bench/warm-cost.ts in a Lambda-laid-out child process.
 *
 * Every implementation runs in this one process over the same tokens, in interleaved rounds, so that
 * CPU frequency, GC state and machine noise hit them alike. Plain JavaScript on purpose: a TypeScript
 * loader would sit between the runtime and the built bundle. argv[2] is the path of the config file.
 */
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { requestEvent } from "../request-event.mjs";
import { verifyFloor } from "./floor.mjs";
import { createLibraryVerifier } from "./library-only.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { tokens, publicJwk, routeArn } = JSON.parse(readFileSync(config.tokensPath, "utf8"));
const events = tokens.map((token) => requestEvent(token, routeArn));
const contexts = tokens.map((_, index) => ({ awsRequestId: `bench-${index}` }));
const key = createPublicKey({ key: publicJwk, format: "jwk" });

const allowed = (response) => response?.policyDocument?.Statement?.[0]?.Effect === "Allow";
const verified = (payload) => typeof payload?.scp === "string";

/** Implementations in round order; `setup` runs once, untimed, and its JWKS fetches count as init. */
const implementations = [
  { name: "floor", sync: true, setup: async () => (index) => verifyFloor(tokens[index], key), ok: verified },
  {
    name: "library",
    sync: true,
    setup: async () => {
      const verify = await createLibraryVerifier();
      return (index) => verify(tokens[index]);
    },
    ok: verified,
  },
  {
    name: "authorizerQuiet",
    setup: async () => {
      // A second instance of the bundle (another URL is another module) that reads LOG_LEVEL=warn at
      // start-up and so skips the per-request decision line: what that line costs, measured.
      const level = process.env.LOG_LEVEL;
      process.env.LOG_LEVEL = "warn";
      const { handler } = await import(`${pathToFileURL(join(process.cwd(), "index.mjs")).href}?quiet`);
      if (level === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = level;
      return (index) => handler(events[index], contexts[index]);
    },
    ok: allowed,
  },
  {
    name: "authorizer",
    setup: async () => {
      const { handler } = await import(pathToFileURL(join(process.cwd(), "index.mjs")).href);
      return (index) => handler(events[index], contexts[index]);
    },
    ok: allowed,
  },
  {
    name: "jose",
    setup: async () => {
      const { handler } = await import("./jose-authorizer.mjs");
      return (index) => handler(events[index], contexts[index]);
    },
    ok: allowed,
  },
  {
    name: "walkthrough",
    perRound: config.walkthroughPerRound,
    setup: async () => {
      const { handler } = await import("./walkthrough-authorizer.mjs");
      return (index) => handler(events[index], contexts[index]);
    },
    ok: allowed,
  },
];

const results = {};
for (const implementation of implementations) {
  const before = await jwksFetchCount();
  implementation.run = await implementation.setup();
  // One untimed pass warms the JIT; its fetches are the container's start-up fetches.
  const warm = await timeRound(implementation, 0);
  if (warm.allowed !== warm.count)
    throw new Error(`${implementation.name}: warm-up pass was not all allowed`);
  results[implementation.name] = {
    initFetches: (await jwksFetchCount()) - before,
    steadyFetches: 0,
    rounds: [],
  };
}

for (let round = 1; round <= config.rounds; round += 1) {
  for (const implementation of implementations) {
    const before = await jwksFetchCount();
    const sample = await timeRound(implementation, round);
    const result = results[implementation.name];
    result.steadyFetches += (await jwksFetchCount()) - before;
    if (sample.allowed !== sample.count) throw new Error(`${implementation.name}: a valid token was refused`);
    result.rounds.push(sample);
  }
}

process.send({ type: "result", results, tokens: tokens.length });
process.disconnect();

async function timeRound(implementation, round) {
  const count = implementation.perRound ?? tokens.length;
  // Slow implementations take a fresh slice of the tokens each round.
  const offset = implementation.perRound === undefined ? 0 : round * count;
  const { run, ok } = implementation;
  let accepted = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (implementation.sync) {
    for (let i = 0; i < count; i += 1) if (ok(run((offset + i) % tokens.length))) accepted += 1;
  } else {
    for (let i = 0; i < count; i += 1) if (ok(await run((offset + i) % tokens.length))) accepted += 1;
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

/** Asks the parent, which runs the issuer, how many JWKS requests it has served so far. */
function jwksFetchCount() {
  return new Promise((resolve) => {
    process.once("message", (message) => resolve(message.count));
    process.send({ type: "jwks-count" });
  });
}
