/**
 * A tiny HTTP(S) client for the local tools and tests: one request, the whole body, a hard timeout.
 * It takes an explicit CA because this process may have started before the local CA existed, and
 * Node reads NODE_EXTRA_CA_CERTS only at start-up.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface JsonRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Extra trusted CA certificate(s), PEM. */
  ca?: string;
  /** Default 10_000. */
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export function requestJson(url: string, options: JsonRequestOptions = {}): Promise<JsonResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: options.method ?? "GET",
        headers: {
          ...(options.body !== undefined
            ? { "content-length": String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        // One-off requests: a pooled keep-alive socket would keep test processes and servers busy.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: parseJson(text),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`${options.method ?? "GET"} ${url} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(options.body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
