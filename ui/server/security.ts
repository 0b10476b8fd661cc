/**
 * Who may talk to the dashboard. Bound to loopback (the default), reading needs no token but the
 * Host header must be a loopback name (a DNS-rebinding page arrives with its own host name). Bound
 * to anything else, every HTTP and WebSocket request needs the token. A control POST always needs
 * the token and, from a browser, an Origin equal to the page's own. Tokens are compared in constant
 * time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_QUERY = 'token';

export interface RequestFacts {
  method: string;
  host: string;
  origin: string;
  /** `Sec-Fetch-Site`, sent by browsers. */
  fetchSite: string;
  authorization: string;
  cookie: string;
  /** The raw query string. */
  query: string;
}

export type Verdict = { ok: true; hasToken: boolean } | { ok: false; status: 401 | 403; message: string };

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header (`[::1]:4318` → `::1`, `example:80` → `example`). */
export function hostName(header: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (bracket) return bracket[1]!.toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

export class Guard {
  constructor(
    readonly token: string,
    /** The address the server listens on. */
    readonly bindHost: string,
    readonly port: number,
  ) {}

  /** Token needed for every request (any bind but loopback). */
  get tokenRequired(): boolean {
    return !isLoopbackHost(this.bindHost);
  }

  cookieName(): string {
    // Cookies ignore the port: two dashboards on one host must not share one.
    return `loop_dashboard_${this.port}`;
  }

  /** The token a request carries, from the Authorization header, the query or the cookie. */
  presented(r: RequestFacts): string | null {
    const bearer = /^Bearer\s+(\S+)$/i.exec(r.authorization);
    if (bearer) return bearer[1]!;
    const fromQuery = new URLSearchParams(r.query).get(TOKEN_QUERY);
    if (fromQuery) return fromQuery;
    for (const part of r.cookie.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === this.cookieName()) return value.join('=');
    }
    return null;
  }

  check(r: RequestFacts, kind: 'read' | 'socket' | 'control'): Verdict {
    if (!this.tokenRequired && !isLoopbackHost(hostName(r.host))) {
      return { ok: false, status: 403, message: `Host "${r.host}" is not this dashboard's; open it as http://127.0.0.1:${this.port}/` };
    }
    const given = this.presented(r);
    // A stale cookie from an earlier server on this port reads like no token: reading on loopback still works.
    const hasToken = given !== null && sameToken(given, this.token);
    if ((this.tokenRequired || kind === 'control') && !hasToken) {
      return { ok: false, status: 401, message: kind === 'control' ? 'controls need the token: open the URL `loop dashboard` printed (it ends in ?token=…)' : 'this dashboard needs its token: open the URL `loop dashboard` printed' };
    }
    if (kind !== 'read' && !this.#sameOrigin(r, kind)) return { ok: false, status: 403, message: 'cross-origin request refused' };
    return { ok: true, hasToken };
  }

  /**
   * A browser always sends Origin on WebSocket upgrades and POSTs; it must be this page's own. A
   * request without Origin (and without Sec-Fetch-Site) comes from a script such as curl, which
   * already had to present the token for a control.
   */
  #sameOrigin(r: RequestFacts, kind: 'socket' | 'control'): boolean {
    if (r.origin === '') return kind === 'socket' || r.fetchSite === '' || r.fetchSite === 'same-origin';
    let origin: URL;
    try {
      origin = new URL(r.origin);
    } catch {
      return false;
    }
    return (origin.protocol === 'http:' || origin.protocol === 'https:') && origin.host.toLowerCase() === r.host.toLowerCase();
  }
}
