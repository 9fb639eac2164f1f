import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { JwksUnavailableError } from "../../lambda-src/authorizer/errors.js";
import { BoundedFetcher } from "../../lambda-src/authorizer/jwks-fetch.js";
import { createTlsMaterial, type TlsMaterial } from "../../local/entra/tls.js";

// Counts the fetcher's HTTPS requests, including those that never reach a server (connection refused).
const outgoing = vi.hoisted(() => ({ requests: 0 }));
vi.mock("node:https", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:https")>();
  return {
    ...actual,
    request: (...args: Parameters<typeof actual.request>) => {
      outgoing.requests += 1;
      return actual.request(...args);
    },
  };
});

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const JWKS = JSON.stringify({ keys: [{ kty: "RSA", use: "sig", kid: "k1", n: "AQAB", e: "AQAB" }] });

let directory: string;
let tls: TlsMaterial;
let server: Server;
let baseUrl: string;
let handler: Handler;
/** What the server saw: every request's method and accept header, and how many closed before an answer ended. */
let seen: { method: string | undefined; accept: string | undefined }[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "jwks-fetch-"));
  tls = await createTlsMaterial(directory);
  server = createServer({ key: tls.keyPem, cert: tls.certPem }, (request, response) => {
    seen.push({ method: request.method, accept: request.headers.accept });
    handler(request, response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  outgoing.requests = 0;
  handler = (_, response) => response.end(JWKS);
});

function fetcher(limits: { timeoutMs?: number; maxBytes?: number } = {}): BoundedFetcher {
  return new BoundedFetcher({
    timeoutMs: limits.timeoutMs ?? 5000,
    maxBytes: limits.maxBytes ?? 64 * 1024,
    ca: tls.caCertPem,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

/** Resolves when the server's side of this response closes, telling whether the whole answer was sent. */
function closed(response: ServerResponse): Promise<{ finished: boolean }> {
  return new Promise((resolve) =>
    response.once("close", () => resolve({ finished: response.writableFinished })),
  );
}

describe("BoundedFetcher", () => {
  it("returns the body of a 200 answer, byte for byte, after one GET that asks for JSON", async () => {
    const body = await fetcher().fetch(`${baseUrl}/keys`);

    expect(new TextDecoder().decode(body)).toBe(JWKS);
    expect(body.byteLength).toBe(Buffer.byteLength(JWKS));
    expect(seen).toEqual([{ method: "GET", accept: "application/json" }]);
  });

  it("returns a body of exactly maxBytes, sent in several chunks", async () => {
    const chunk = "x".repeat(1000);
    handler = (_, response) => {
      response.write(chunk);
      setTimeout(() => response.end(chunk), 20);
    };

    const body = await fetcher({ maxBytes: 2000 }).fetch(`${baseUrl}/keys`);

    expect(body.byteLength).toBe(2000);
    expect(new TextDecoder().decode(body)).toBe(chunk + chunk);
  });

  it("returns an empty body as an empty buffer", async () => {
    handler = (_, response) => response.end();

    const body = await fetcher().fetch(`${baseUrl}/keys`);

    expect(body.byteLength).toBe(0);
  });

  it.each([[503], [404], [201], [302]])(
    "refuses a %i answer without retrying, and closes the connection",
    async (status) => {
      let serverSide: Promise<{ finished: boolean }> | undefined;
      handler = (_, response) => {
        serverSide = closed(response);
        response.writeHead(status, {
          "content-type": "application/json",
          location: "https://127.0.0.1/elsewhere",
        });
        response.write(JWKS);
        // The answer never ends: only the client can close this connection.
      };

      const error = await rejection(fetcher().fetch(`${baseUrl}/keys`));

      expect(error).toBeInstanceOf(JwksUnavailableError);
      expect(error.message).toBe(`status ${status}`);
      expect(seen).toHaveLength(1);
      expect(outgoing.requests).toBe(1);
      expect(await serverSide).toEqual({ finished: false });
    },
  );

  it("refuses a body over maxBytes without retrying, and cuts the connection before the whole body is read", async () => {
    const total = 16 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    let serverSide: Promise<{ finished: boolean }> | undefined;
    handler = (_, response) => {
      serverSide = closed(response);
      void (async () => {
        while (sent < total && !response.destroyed) {
          sent += chunk.length;
          if (!response.write(chunk)) {
            await Promise.race([once(response, "drain"), once(response, "close")]);
          }
        }
        response.end();
      })();
    };

    const error = await rejection(fetcher({ maxBytes: 1024 }).fetch(`${baseUrl}/keys`));

    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toBe("body over 1024 bytes");
    expect(seen).toHaveLength(1);
    expect(await serverSide).toEqual({ finished: false });
    expect(sent).toBeLessThan(total);
  });

  it("gives up on a server that never answers after the deadline, and tries exactly once more", async () => {
    const serverSides: Promise<{ finished: boolean }>[] = [];
    handler = (_, response) => {
      serverSides.push(closed(response));
    };
    const started = Date.now();

    const error = await rejection(fetcher({ timeoutMs: 300 }).fetch(`${baseUrl}/keys`));

    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toBe("no complete answer within 300 ms");
    expect(seen).toHaveLength(2);
    expect(outgoing.requests).toBe(2);
    expect(await Promise.all(serverSides)).toEqual([{ finished: false }, { finished: false }]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("gives up on a body that trickles past the deadline: the deadline covers the whole answer", async () => {
    handler = (_, response) => {
      response.writeHead(200);
      const drip = setInterval(() => (response.destroyed ? clearInterval(drip) : response.write(" ")), 50);
    };

    const error = await rejection(fetcher({ timeoutMs: 300 }).fetch(`${baseUrl}/keys`));

    expect(error.message).toBe("no complete answer within 300 ms");
    expect(seen).toHaveLength(2);
  });

  it("succeeds when only the first attempt fails", async () => {
    let attempts = 0;
    handler = (request, response) => {
      attempts += 1;
      if (attempts === 1) {
        request.socket.destroy();
        return;
      }
      response.end(JWKS);
    };

    const body = await fetcher().fetch(`${baseUrl}/keys`);

    expect(new TextDecoder().decode(body)).toBe(JWKS);
    expect(seen).toHaveLength(2);
  });

  it("retries once after a connection cut in the middle of the body, and fails without waiting for the deadline", async () => {
    handler = (request, response) => {
      response.writeHead(200, { "content-length": "1000" });
      response.write("{");
      setTimeout(() => request.socket.destroy(), 20);
    };

    const error = await rejection(fetcher({ timeoutMs: 20_000 }).fetch(`${baseUrl}/keys`));

    expect(error.message).not.toMatch(/no complete answer/);
    expect(seen).toHaveLength(2);
  });

  it("retries once after a refused connection", async () => {
    const closedServer = createServer({ key: tls.keyPem, cert: tls.certPem });
    closedServer.listen(0, "127.0.0.1");
    await once(closedServer, "listening");
    const { port } = closedServer.address() as AddressInfo;
    closedServer.close();
    await once(closedServer, "close");

    const error = await rejection(fetcher().fetch(`https://127.0.0.1:${port}/keys`));

    expect(error.code).toBe("ECONNREFUSED");
    expect(outgoing.requests).toBe(2);
  });

  it("trusts only the CA it is given", async () => {
    const untrusting = new BoundedFetcher({ timeoutMs: 5000, maxBytes: 1024 });

    const error = await rejection(untrusting.fetch(`${baseUrl}/keys`));

    expect(error.code).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(outgoing.requests).toBe(2);
    expect(seen).toHaveLength(0);
  });
});
