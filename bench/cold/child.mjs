/**
 * One cold start of the built authorizer, run by bench/cold-start.ts in a fresh Lambda-laid-out child:
 * import the bundle (which starts the JWKS fetch), answer one request, report, then answer
 * `requests` more and report memory. Plain JavaScript, so nothing but Node sits before the import.
 * argv[2] is the path of the config file: { firstToken, tokensPath, requests, routeArn }.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { requestEvent } from "../request-event.mjs";

// performance.now() counts from the start of this process: everything before this line is Node's own start-up.
const scriptStartedMs = performance.now();
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const memoryAtStart = memory();

const importStartedMs = performance.now();
const { handler } = await import(pathToFileURL(join(process.cwd(), "index.mjs")).href);
const importedMs = performance.now();
const first = await handler(requestEvent(config.firstToken, config.routeArn), { awsRequestId: "cold-0" });
const answeredMs = performance.now();
process.send({
  type: "first",
  bootMs: scriptStartedMs,
  importMs: importedMs - importStartedMs,
  firstInvokeMs: answeredMs - importedMs,
  allowed: isAllowed(first),
  memoryAtStart,
  memoryAfterFirst: memory(),
});

const { tokens } = JSON.parse(readFileSync(config.tokensPath, "utf8"));
let allowed = 0;
for (let i = 0; i < config.requests; i += 1) {
  // Each event is built when it is needed, as the runtime parses each one, so the benchmark's own
  // data stays small next to what the authorizer holds.
  const event = requestEvent(tokens[i % tokens.length], config.routeArn);
  if (isAllowed(await handler(event, { awsRequestId: `warm-${i}` }))) allowed += 1;
}
const memoryAfterRequests = memory();
// The runtime starts Node with --expose-gc; after a full collection, heapUsed is what is really retained.
globalThis.gc?.();
process.send({
  type: "done",
  requests: config.requests,
  allowed,
  memory: memoryAfterRequests,
  memoryAfterGc: memory(),
});
process.disconnect();

function memory() {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

function isAllowed(response) {
  return response?.policyDocument?.Statement?.[0]?.Effect === "Allow";
}
