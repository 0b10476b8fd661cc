/**
 * HTTP on uWebSockets.js: read what a handler needs from the request at once (uWS reuses the
 * request object after the handler returns), guard it, run the handler, and answer exactly once —
 * a thrown error is a JSON 500 and the server keeps serving.
 */
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { Guard, RequestFacts } from './security.js';
import type { Redactor } from './redact.js';

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /**
   * Close the connection after this answer: for what a page asks every few seconds, so its
   * keep-alive connection never stays busy (one that does keeps a stopping server from exiting).
   */
  close?: boolean;
}

export interface Incoming extends RequestFacts {
  url: string;
  params: string[];
  hasToken: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 204: 'No Content', 303: 'See Other', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error',
};

/** Sent with every response: no framing, no sniffing, no referrer (a URL may carry the token). */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export const status = (code: number): string => `${code} ${STATUS_TEXT[code] ?? ''}`.trim();

export function readFacts(req: HttpRequest, paramCount: number): Incoming {
  return {
    method: req.getMethod().toUpperCase(),
    url: req.getUrl(),
    query: req.getQuery() ?? '',
    host: req.getHeader('host'),
    origin: req.getHeader('origin'),
    fetchSite: req.getHeader('sec-fetch-site'),
    authorization: req.getHeader('authorization'),
    cookie: req.getHeader('cookie'),
    params: Array.from({ length: paramCount }, (_, i) => decodeURIComponentSafe(req.getParameter(i) ?? '')),
    hasToken: false,
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export class Http {
  constructor(private readonly guard: Guard, private readonly redactor: Redactor) {}

  json(statusCode: number, value: unknown): Reply {
    return { status: statusCode, type: 'application/json; charset=utf-8', body: this.redactor.json(value) };
  }

  text(value: string): Reply {
    return { status: 200, type: 'text/plain; charset=utf-8', body: this.redactor.text(value) };
  }

  notFound(what: string): Reply {
    return this.json(404, { error: 'not found', message: what });
  }

  /** A uWS handler: facts, guard, handler, one answer. */
  handler(kind: 'read' | 'control', paramCount: number, handle: (r: Incoming) => Reply | Promise<Reply>) {
    return (res: HttpResponse, req: HttpRequest): void => {
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      const facts = readFacts(req, paramCount);
      const send = (reply: Reply): void => {
        if (aborted) return;
        res.cork(() => {
          res.writeStatus(status(reply.status));
          for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, 'Content-Type': reply.type, ...reply.headers })) res.writeHeader(name, value);
          res.end(reply.body, reply.close === true);
        });
      };
      const verdict = this.guard.check(facts, kind);
      if (!verdict.ok) return send(this.json(verdict.status, { error: verdict.status === 401 ? 'unauthorized' : 'forbidden', message: verdict.message }));
      facts.hasToken = verdict.hasToken;
      try {
        Promise.resolve(handle(facts)).then(send, (error: unknown) => send(this.#internal(error)));
      } catch (error) {
        send(this.#internal(error));
      }
    };
  }

  #internal(error: unknown): Reply {
    return this.json(500, { error: 'internal error', message: error instanceof Error ? error.message : String(error) });
  }
}
