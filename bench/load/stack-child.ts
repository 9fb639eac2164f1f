/**
 * The local stack for the load test, in its own process so that the load generator does not share an
 * event loop with the gateway it measures. argv: <authorizer cache TTL seconds> <token count>.
 * Answers "stats" and "close" over IPC.
 */
import { startLocalStack } from "../../local/local-stack.js";

const ttlSeconds = Number(process.argv[2]);
const tokenCount = Number(process.argv[3]);
const send = (message: object) => process.send?.(message);

const stack = await startLocalStack({ settings: { authorizerCacheTtlSeconds: ttlSeconds } });
process.on("message", (message: { type?: string }) => {
  if (message.type === "stats") {
    send({
      type: "stats",
      jwksFetches: stack.issuer.jwksFetchCount,
      authorizerInvocations: stack.authorizer.invocationCount,
      authorizerColdStarts: stack.authorizer.coldStartCount,
      backendInvocations: stack.backend.invocationCount,
    });
  }
  if (message.type === "close") {
    void stack.close().then(() => process.disconnect());
  }
});
send({ type: "ready", url: stack.url, tokens: Array.from({ length: tokenCount }, () => stack.token()) });
