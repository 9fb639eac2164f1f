/**
 * Method selection as API Gateway REST APIs do it: a tree of resources (`/items/{id}`, a last greedy
 * `{proxy+}`), each with methods (`GET`, …, or `ANY` for every method). The most specific resource that
 * matches the path wins, segment by segment (a literal over a parameter over a greedy tail), and then its
 * method: the exact one over ANY. A resource without a matching method is no match (API Gateway answers
 * 403 "Missing Authentication Token" and calls no authorizer); REST APIs have no `$default`.
 */

export interface RestMethodMatch {
  /** `GET /items/{id}`: the method as the API defines it (ANY included). */
  methodKey: string;
  /** The resource template, `$context.resourcePath`. */
  resource: string;
  pathParameters: Record<string, string>;
}

interface Resource {
  path: string;
  segments: string[];
  methods: Set<string>;
}

export function matchRestMethod(
  methodKeys: readonly string[],
  method: string,
  path: string,
): RestMethodMatch | undefined {
  const resources = new Map<string, Resource>();
  for (const key of methodKeys) {
    const space = key.indexOf(" ");
    if (space < 0) continue;
    const resourcePath = key.slice(space + 1);
    const resource = resources.get(resourcePath) ?? {
      path: resourcePath,
      segments: splitPath(resourcePath),
      methods: new Set<string>(),
    };
    resource.methods.add(key.slice(0, space).toUpperCase());
    resources.set(resourcePath, resource);
  }
  const requestSegments = splitPath(path);
  let best: { resource: Resource; parameters: Record<string, string>; score: number[] } | undefined;
  for (const resource of resources.values()) {
    const matched = matchSegments(resource.segments, requestSegments);
    if (matched !== undefined && (best === undefined || compareScores(matched.score, best.score) > 0)) {
      best = { resource, ...matched };
    }
  }
  if (best === undefined) return undefined;
  const verb = method.toUpperCase();
  const chosen = best.resource.methods.has(verb)
    ? verb
    : best.resource.methods.has("ANY")
      ? "ANY"
      : undefined;
  return chosen === undefined
    ? undefined
    : {
        methodKey: `${chosen} ${best.resource.path}`,
        resource: best.resource.path,
        pathParameters: best.parameters,
      };
}

/** `/` is the root resource, with no segments. */
function splitPath(path: string): string[] {
  return path === "/" ? [] : path.split("/").slice(1);
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
      if (rest.length === 0 || rest.join("/") === "") return undefined;
      parameters[greedy[1]] = rest.join("/");
      score.push(1);
      return { parameters, score };
    }
    const value = request[index];
    if (value === undefined || value === "") return undefined;
    const parameter = /^\{([^}+]+)\}$/.exec(part);
    if (parameter?.[1] !== undefined) {
      parameters[parameter[1]] = value;
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
