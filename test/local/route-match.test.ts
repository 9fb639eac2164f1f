import { describe, expect, it } from "vitest";
import { matchRoute } from "../../local/gateway/route-match.js";

// The example of the API Gateway developer guide ("Routing API requests"), plus $default.
const ROUTES = ["GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default"];

describe("matchRoute", () => {
  it("prefers an exact path", () => {
    expect(matchRoute(ROUTES, "GET", "/pets/dog/1")).toEqual({
      routeKey: "GET /pets/dog/1",
      pathParameters: {},
    });
  });

  it("prefers a path parameter over a greedy variable", () => {
    expect(matchRoute(ROUTES, "GET", "/pets/dog/2")).toEqual({
      routeKey: "GET /pets/dog/{id}",
      pathParameters: { id: "2" },
    });
  });

  it("falls back to the longest greedy prefix for the method", () => {
    expect(matchRoute(ROUTES, "GET", "/pets/cat/1")).toEqual({
      routeKey: "GET /pets/{proxy+}",
      pathParameters: { proxy: "cat/1" },
    });
  });

  it("uses ANY when no route names the method", () => {
    expect(matchRoute(ROUTES, "POST", "/pets/cat/1")?.routeKey).toBe("ANY /{proxy+}");
  });

  it("prefers an exact method over ANY for the same path", () => {
    expect(matchRoute(["ANY /items", "DELETE /items"], "DELETE", "/items")?.routeKey).toBe("DELETE /items");
    expect(matchRoute(["ANY /items", "DELETE /items"], "GET", "/items")?.routeKey).toBe("ANY /items");
  });

  it("sends unmatched requests to $default, or matches nothing without it", () => {
    expect(matchRoute(ROUTES, "GET", "/")?.routeKey).toBe("$default");
    expect(matchRoute(["GET /auth"], "GET", "/other")).toBeUndefined();
    expect(matchRoute(["GET /auth"], "POST", "/auth")).toBeUndefined();
  });

  it("does not match a trailing slash or an empty parameter", () => {
    expect(matchRoute(["GET /auth"], "GET", "/auth/")).toBeUndefined();
    expect(matchRoute(["GET /items/{id}"], "GET", "/items/")).toBeUndefined();
  });

  it("decodes parameter values", () => {
    expect(matchRoute(["GET /items/{id}"], "GET", "/items/a%20b")?.pathParameters).toEqual({ id: "a b" });
  });
});
