/**
 * Route selection as API Gateway HTTP APIs do it: `METHOD /path` with `{param}` segments and a
 * final greedy `{name+}`, `ANY` for every method, and `$default` when nothing else matches. The
 * most specific route wins: literal segments over parameters over a greedy tail, then an exact
 * method over ANY.
 */

export interface RouteMatch {
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface ParsedRoute {
  routeKey: string;
  method: string;
  segments: string[];
}

export function matchRoute(
  routeKeys: readonly string[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const requestSegments = splitPath(path);
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of routeKeys.map(parseRoute)) {
    if (route === undefined) continue;
    if (route.method !== "ANY" && route.method !== method.toUpperCase()) continue;
    const matched = matchSegments(route.segments, requestSegments);
    if (matched === undefined) continue;
    const score = [...matched.score, route.method === "ANY" ? 0 : 1];
    if (best === undefined || compareScores(score, best.score) > 0) {
      best = { match: { routeKey: route.routeKey, pathParameters: matched.parameters }, score };
    }
  }
  if (best !== undefined) return best.match;
  return routeKeys.includes("$default") ? { routeKey: "$default", pathParameters: {} } : undefined;
}

function parseRoute(routeKey: string): ParsedRoute | undefined {
  if (routeKey === "$default") return undefined;
  const space = routeKey.indexOf(" ");
  if (space < 0) return undefined;
  return {
    routeKey,
    method: routeKey.slice(0, space).toUpperCase(),
    segments: splitPath(routeKey.slice(space + 1)),
  };
}

function splitPath(path: string): string[] {
  return path.split("/").slice(1);
}

/** Per segment: 3 literal, 2 parameter, 1 greedy; a higher vector is more specific. */
function matchSegments(
  template: string[],
  request: string[],
): { parameters: Record<string, string>; score: number[] } | undefined {
  const parameters: Record<string, string> = {};
  const score: number[] = [];
  for (let index = 0; index < template.length; index += 1) {
    const part = template[index] as string;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy?.[1] !== undefined && index === template.length - 1) {
      const rest = request.slice(index);
      // A greedy variable needs at least one non-empty segment.
      if (rest.length === 0 || rest.join("/") === "") return undefined;
      parameters[greedy[1]] = decode(rest.join("/"));
      score.push(1);
      return { parameters, score };
    }
    const value = request[index];
    if (value === undefined) return undefined;
    const parameter = /^\{([^}+]+)\}$/.exec(part);
    if (parameter?.[1] !== undefined) {
      if (value === "") return undefined;
      parameters[parameter[1]] = decode(value);
      score.push(2);
    } else if (part === value) {
      score.push(3);
    } else {
      return undefined;
    }
  }
  return request.length === template.length ? { parameters, score } : undefined;
}

function compareScores(left: number[], right: number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
