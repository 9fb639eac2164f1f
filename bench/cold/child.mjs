/**
 * One cold start of the built authorizer, run by bench/cold-start.ts in a fresh Lambda-laid-out child:
 * import the bundle (its top-level await finishes the first JWKS fetch, as Lambda's init phase would),
 * ask the parent how many JWKS requests the issuer has served, answer the first request, ask again,
 * answer a second, report; then time `warmSample` requests one by one, answer `requests` more and report
 * memory. Plain JavaScript, so nothing but Node sits before the import.
 * argv[2] is the path of the config file: { firstToken, secondToken, tokensPath, warmSample, requests,
 * frontDoor, arns, deniedFields }: the events are the front door's (bench/request-event.mjs).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { eventFor, isAllowed as allows } from "../request-event.mjs";

// performance.now() counts from the start of this process: everything before this line is Node's own start-up.
const scriptStartedMs = performance.now();
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const memoryAtStart = memory();

const importStartedMs = performance.now();
const { handler } = await import(pathToFileURL(join(process.cwd(), "index.mjs")).href);
const importedMs = performance.now();
// Asked before the first request: the fetch, if any, happened during init.
const fetchesAtInit = await jwksFetchCount();
const celLoaded = isCelLoaded();

const event = (token) => eventFor(config.frontDoor, token, config.arns);
const firstEvent = event(config.firstToken);
const secondEvent = event(config.secondToken);
const firstStartedMs = performance.now();
const first = await handler(firstEvent, { awsRequestId: "cold-0" });
const firstAnsweredMs = performance.now();
const firstInvokeMs = firstAnsweredMs - firstStartedMs;
const fetchesAfterFirst = await jwksFetchCount();
const secondStartedMs = performance.now();
const second = await handler(secondEvent, { awsRequestId: "cold-1" });
const secondInvokeMs = performance.now() - secondStartedMs;
process.send({
  type: "first",
  bootMs: scriptStartedMs,
  importMs: importedMs - importStartedMs,
  firstInvokeMs,
  secondInvokeMs,
  // What happened after the first answer (two questions to the parent, the second request): the parent
  // takes it off its spawn → message time.
  afterFirstAnswerMs: performance.now() - firstAnsweredMs,
  allowed: isAllowed(first) && isAllowed(second),
  fetchesAtInit,
  fetchesAfterFirst,
  celLoaded,
  memoryAtStart,
  memoryAfterFirst: memory(),
});

const { tokens } = JSON.parse(readFileSync(config.tokensPath, "utf8"));
let allowed = 0;
const warmMs = [];
for (let i = 0; i < config.warmSample; i += 1) {
  const request = event(tokens[i % tokens.length]);
  const started = performance.now();
  const response = await handler(request, { awsRequestId: `warm-${i}` });
  warmMs.push(performance.now() - started);
  if (isAllowed(response)) allowed += 1;
}
for (let i = 0; i < config.requests; i += 1) {
  // Each event is built when it is needed, as the runtime parses each one, so the benchmark's own
  // data stays small next to what the authorizer holds.
  const request = event(tokens[(config.warmSample + i) % tokens.length]);
  if (isAllowed(await handler(request, { awsRequestId: `warm-${i}` }))) allowed += 1;
}
const memoryAfterRequests = memory();
// The runtime starts Node with --expose-gc; after a full collection, heapUsed is what is really retained.
globalThis.gc?.();
process.send({
  type: "done",
  requests: config.warmSample + config.requests,
  allowed,
  // The later half of the sample: JIT-compiled, as a container that has served a while.
  warmInvokeMs: warmMs.slice(Math.floor(warmMs.length / 2)),
  fetchesAtEnd: await jwksFetchCount(),
  memory: memoryAfterRequests,
  memoryAfterGc: memory(),
});
process.disconnect();

function memory() {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

function isAllowed(response) {
  return allows(response, config.deniedFields);
}

/** Whether the CEL library was require()d from the layer (Node's CommonJS cache is shared). */
function isCelLoaded() {
  const { cache } = createRequire(join(process.cwd(), "index.mjs"));
  return Object.keys(cache).some((path) => path.includes("@marcbachmann/cel-js"));
}

/** Asks the parent, which runs the issuer, how many JWKS requests it has served so far. */
function jwksFetchCount() {
  return new Promise((resolve) => {
    process.once("message", (message) => resolve(message.count));
    process.send({ type: "jwks-count" });
  });
}
