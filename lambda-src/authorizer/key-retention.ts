import type { Jwks, JwkWithKid } from "./jwt-library.js";

interface KnownKey {
  readonly jwk: JwkWithKid;
  readonly servedAtMs: number;
}

/**
 * The signing keys to trust, from the key sets one JWKS endpoint served over time.
 *
 * Entra's front ends serve different key sets: in the public history of the `common` endpoint
 * (panva/wellknown), consecutive fetches differ almost every time, and most key "additions" are keys
 * that an earlier fetch had left out. A key missing from the latest fetch may still sign valid tokens.
 * So a key stays trusted for `retentionMs` after the last fetch that served it, and always while the
 * latest fetch serves it. With a retention of 0, only the latest fetch counts.
 *
 * A kid is trusted with the material it was last served with: served with a new modulus, exponent or
 * issuer, the old material is gone at once (tokens signed with it no longer verify), whatever the
 * retention. Keys are never merged across kids.
 */
export class KeyRetention {
  private readonly keys = new Map<string, KnownKey>();
  private latest: ReadonlySet<string> = new Set();

  constructor(private readonly retentionMs: number) {}

  /**
   * Records the keys one fetch served. Returns true when a key trusted until now is no longer trusted:
   * withdrawn past the retention, or served with other material. What was verified with it is stale.
   */
  record(served: readonly JwkWithKid[], nowMs: number): boolean {
    let withdrawn = false;
    const latest = new Set<string>();
    for (const jwk of served) {
      // The first key of a kid wins, as in the library's own lookup (findJwkInJwks).
      if (latest.has(jwk.kid)) {
        continue;
      }
      latest.add(jwk.kid);
      const known = this.keys.get(jwk.kid);
      const unchanged = known !== undefined && sameMaterial(known.jwk, jwk);
      if (known !== undefined && !unchanged) {
        withdrawn = true;
      }
      // The same material keeps its object: callers tell a changed key by identity.
      this.keys.set(jwk.kid, { jwk: unchanged ? known.jwk : jwk, servedAtMs: nowMs });
    }
    for (const [kid, known] of this.keys) {
      if (!latest.has(kid) && !this.withinRetention(known, nowMs)) {
        this.keys.delete(kid);
        withdrawn = true;
      }
    }
    this.latest = latest;
    return withdrawn;
  }

  /** The trusted key of this kid, or undefined. */
  find(kid: string, nowMs: number): JwkWithKid | undefined {
    const known = this.keys.get(kid);
    return known !== undefined && (this.latest.has(kid) || this.withinRetention(known, nowMs))
      ? known.jwk
      : undefined;
  }

  /** Every trusted key. */
  trusted(nowMs: number): Jwks {
    const keys = [...this.keys.values()]
      .filter((known) => this.latest.has(known.jwk.kid) || this.withinRetention(known, nowMs))
      .map((known) => known.jwk);
    return { keys };
  }

  private withinRetention(known: KnownKey, nowMs: number): boolean {
    return nowMs - known.servedAtMs < this.retentionMs;
  }
}

/** What verification reads of a key: the same kid with any of these changed is another key. */
function sameMaterial(a: JwkWithKid, b: JwkWithKid): boolean {
  return (["kty", "n", "e", "alg", "use", "issuer"] as const).every((field) => a[field] === b[field]);
}
