import { request } from "node:https";
import { JwksUnavailableError } from "./errors.js";
import type { Fetcher } from "./jwt-library.js";

export interface FetchLimits {
  /** Whole-response deadline per attempt: a server that trickles bytes cannot hold a request longer. */
  readonly timeoutMs: number;
  /** Entra's key sets are a few KB; anything far larger is not one, and is not read into memory. */
  readonly maxBytes: number;
  /** Trusted CAs instead of Node's default store (which NODE_EXTRA_CA_CERTS extends): for tests. */
  readonly ca?: string;
}

/**
 * The library's SimpleFetcher, with a cap on the response body it lacks: an HTTPS GET with one retry
 * after a network failure or time-out (not after an HTTP error status or an oversized body), so a
 * broken endpoint costs at most two deadlines.
 */
export class BoundedFetcher implements Fetcher {
  constructor(private readonly limits: FetchLimits) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    try {
      return await getOnce(uri, this.limits);
    } catch (error) {
      if (error instanceof FinalFetchError) {
        throw error;
      }
      return getOnce(uri, this.limits);
    }
  }
}

/** A failure that a second attempt would only repeat. */
class FinalFetchError extends JwksUnavailableError {}

function getOnce(uri: string, { timeoutMs, maxBytes, ca }: FetchLimits): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      clearTimeout(deadline);
      outgoing.destroy();
      reject(error);
    };
    const options = {
      headers: { accept: "application/json" },
      ca,
    };
    const outgoing = request(uri, options, (response) => {
      if (response.statusCode !== 200) {
        fail(new FinalFetchError(`status ${response.statusCode}`));
        return;
      }
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) {
          fail(new FinalFetchError(`body over ${maxBytes} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      response.on("error", fail);
      response.on("end", () => {
        clearTimeout(deadline);
        const body = Buffer.concat(chunks);
        resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      });
    });
    const deadline = setTimeout(
      () => fail(new JwksUnavailableError(`no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // A pending deadline must not keep a frozen or finishing process alive.
    deadline.unref();
    outgoing.on("error", fail);
    outgoing.end();
  });
}
