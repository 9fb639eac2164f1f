import { describe, expect, it } from "vitest";
import { readEvent } from "../../lambda-src/authorizer/event.js";
import { readRestApiEvent } from "../../lambda-src/authorizer/rest-api-event.js";
import {
  appSyncEvent,
  event,
  eventV1,
  REST_STAGE_ARN,
  restRequestEvent,
  restTokenEvent,
} from "../support/in-process.js";

/** AWS's documented TOKEN event, from a console test invocation: the stage is `*`, the root resource `/GET/`. */
const AWS_TOKEN_EXAMPLE = {
  type: "TOKEN",
  authorizationToken: "allow",
  methodArn: "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/",
};

describe("readRestApiEvent", () => {
  it("reads AWS's documented TOKEN event: the token, the stage and the root resource", () => {
    expect(readEvent(AWS_TOKEN_EXAMPLE)).toEqual({
      door: "rest-api",
      type: "TOKEN",
      stageArn: "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*",
      method: "GET",
      path: "/",
      resource: undefined,
      authorization: "allow",
    });
  });

  it("reads AWS's documented REQUEST event: the resource template, the method and the Authorization header", () => {
    expect(readEvent(restRequestEvent("Bearer abc", "GET", "/items/{id}", "/items/42"))).toEqual({
      door: "rest-api",
      type: "REQUEST",
      stageArn: REST_STAGE_ARN,
      method: "GET",
      path: "/items/42",
      resource: "/items/{id}",
      authorization: "Bearer abc",
    });
  });

  it("reads a TOKEN event without a token, leaving the refusal to the token check", () => {
    expect(readEvent(restTokenEvent(undefined))).toMatchObject({ type: "TOKEN", authorization: undefined });
  });

  it.each([
    ["a method ARN of another service", { methodArn: "arn:aws:lambda:us-east-1:123456789012:function:x" }],
    ["a method ARN without a method", { methodArn: `${REST_STAGE_ARN}` }],
    ["a method ARN with a lower-case method", { methodArn: `${REST_STAGE_ARN}/get/items` }],
    ["a wildcard in the path", { methodArn: `${REST_STAGE_ARN}/GET/items/*` }],
    ["no method ARN", { methodArn: undefined }],
  ])("refuses a TOKEN event with %s", (_, change) => {
    expect(readRestApiEvent({ ...restTokenEvent("Bearer a"), ...change })).toEqual({
      reason: "UNRECOGNIZED_EVENT",
      detail: "REST API event without a valid methodArn",
    });
  });

  it("refuses a TOKEN event whose token is not a string", () => {
    expect(readRestApiEvent({ ...restTokenEvent("x"), authorizationToken: 7 })).toMatchObject({
      reason: "UNRECOGNIZED_EVENT",
    });
  });

  it.each([
    ["no resource", { resource: undefined }],
    ["a resource that is not a path", { resource: "items" }],
    ["an httpMethod other than the method ARN's", { httpMethod: "POST" }],
  ])("refuses a REQUEST event with %s", (_, change) => {
    expect(readRestApiEvent({ ...restRequestEvent("Bearer a"), ...change })).toEqual({
      reason: "UNRECOGNIZED_EVENT",
      detail: "REST API REQUEST event without a resource and an httpMethod matching its methodArn",
    });
  });
});

describe("readEvent tells the front doors apart", () => {
  it.each([
    ["an HTTP API payload 2.0 event", event("Bearer a"), "http-api"],
    [
      "an HTTP API payload 1.0 event, which also has type REQUEST and a methodArn",
      eventV1("Bearer a", "GET", "/a"),
      "http-api",
    ],
    ["a REST TOKEN event", AWS_TOKEN_EXAMPLE, "rest-api"],
    ["a REST REQUEST event", restRequestEvent("Bearer a"), "rest-api"],
    ["an AppSync event", appSyncEvent("abc"), "appsync"],
  ])("reads %s as its door's", (_, gatewayEvent, door) => {
    expect(readEvent(gatewayEvent)).toMatchObject({ door });
  });

  it.each([[null], ["text"], [[]], [{}], [{ type: "JWT" }]])("refuses %j as no door's event", (event) => {
    expect(readEvent(event)).toMatchObject({ reason: "UNRECOGNIZED_EVENT" });
  });
});
