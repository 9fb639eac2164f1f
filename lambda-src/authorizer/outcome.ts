import type { AppSyncResponse } from "./appsync-answer.js";
import type { AuthorizerConfig } from "./config.js";
import type { HttpApiResponse } from "./http-api-answer.js";
import type { Refusal } from "./refusal.js";
import type { RestApiResponse } from "./rest-api-answer.js";
import type { TokenVerifier, VerifiedToken } from "./verify.js";

export type Answer = HttpApiResponse | RestApiResponse | AppSyncResponse;

/** A REST API's 401: not an answer but the invocation failing with "Unauthorized". */
export const UNAUTHORIZED = "Unauthorized" as const;

/** What one request came to: the answer, the refusal if any (with its reason), and who called. */
export interface Outcome {
  readonly answer: Answer | typeof UNAUTHORIZED;
  readonly refusal: Refusal | undefined;
  readonly token: VerifiedToken | undefined;
  /** The route or method the request named, for the log. */
  readonly route: string | undefined;
  /** Which front door asked; undefined for an event of none. */
  readonly frontDoor?: "http-api" | "rest-api" | "appsync";
}

/** What every front door's decision shares: the configuration and the token verifier. */
export interface DecisionCore {
  readonly config: AuthorizerConfig;
  readonly verifier: TokenVerifier;
  readonly now: () => number;
}
