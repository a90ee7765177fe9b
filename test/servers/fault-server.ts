/**
 * A loopback HTTP server that serves byte routes and injects faults: connection resets
 * mid-body, 5xx/429 with Retry-After, ignored Range, content changed between requests,
 * short bodies, stalls, redirects, 401 challenges, hostile Content-Disposition. It records
 * every request (headers included) and counts body bytes sent per path, so tests can
 * assert what a client re-fetched and which credentials it forwarded.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRangeHeader, type ServedRange } from './range-header.js';

export type Fault =
  /** Destroy the socket after sending this many body bytes. */
  | { kind: 'reset'; afterBytes: number }
  /** Answer with this status (503, 429, 500…) and an optional Retry-After value. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Answer 200 with the whole body whatever the Range header said. */
  | { kind: 'ignore-range' }
  /** Announce the full Content-Length but end the connection after this many bytes. */
  | { kind: 'short'; afterBytes: number }
  /** Send this many bytes, then go silent for `ms` (the socket stays open). */
  | { kind: 'stall'; afterBytes: number; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  port: number;
  headers: IncomingHttpHeaders;
  status?: number;
}

export type FaultPlan = Fault[] | ((req: RecordedRequest, index: number) => Fault | undefined);

export interface Route {
  body?: Buffer;
  /** Strong ETag; default derived from the body; null sends none. */
  etag?: string | null;
  lastModified?: string | null;
  /** Honour Range requests (default true). */
  ranges?: boolean;
  /** Send `Accept-Ranges: bytes` (default: same as `ranges`). */
  advertiseRanges?: boolean;
  contentDisposition?: string;
  /** Any one of these credentials is accepted; otherwise 401 with a Basic challenge. */
  auth?: { basic?: string; bearer?: string; cookie?: string; forbidden?: boolean };
  /** Throttle each response to this many bytes per second. */
  rate?: number;
  /** Faults consumed one per request in order (array), or chosen per request (function). */
  faults?: FaultPlan;
  redirect?: { location: string; status?: number };
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export interface FaultServerStats {
  requests: RecordedRequest[];
  bytesSent: Map<string, number>;
}

export interface FaultServer {
  url: string;
  port: number;
  stats: FaultServerStats;
  /** Add or replace a route (replacing the body models content changed on the server). */
  route(path: string, route: Route): void;
  bytesFor(path: string): number;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

export const strongEtag = (body: Buffer): string =>
  `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;

export async function startFaultServer(opts: { routes?: Record<string, Route> } = {}): Promise<FaultServer> {
  const routes = new Map(Object.entries(opts.routes ?? {}));
  const stats: FaultServerStats = { requests: [], bytesSent: new Map() };
  const perPathIndex = new Map<string, number>();
  const sockets = new Set<Socket>();
  let port = 0;

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, port, headers: req.headers };
    stats.requests.push(rec);
    const route = routes.get(path);
    if (!route) return finish(res, rec, 404);
    const index = perPathIndex.get(path) ?? 0;
    perPathIndex.set(path, index + 1);
    const fault = pickFault(route.faults, rec, index);
    serve(req, res, rec, route, fault, (n) => stats.bytesSent.set(path, (stats.bytesSent.get(path) ?? 0) + n)).catch(
      () => res.destroy(),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    route: (path, route) => void routes.set(path, route),
    bytesFor: (path) => stats.bytesSent.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function pickFault(plan: FaultPlan | undefined, rec: RecordedRequest, index: number): Fault | undefined {
  if (!plan) return undefined;
  return typeof plan === 'function' ? plan(rec, index) : plan[index];
}

function finish(res: ServerResponse, rec: RecordedRequest, status: number, headers: Record<string, string> = {}): void {
  rec.status = status;
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

function authorized(req: IncomingMessage, auth: NonNullable<Route['auth']>): boolean {
  const h = req.headers;
  if (auth.basic && h.authorization === `Basic ${Buffer.from(auth.basic).toString('base64')}`) return true;
  if (auth.bearer && h.authorization === `Bearer ${auth.bearer}`) return true;
  if (auth.cookie && (h.cookie ?? '').split(/;\s*/).includes(auth.cookie)) return true;
  return false;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  rec: RecordedRequest,
  route: Route,
  fault: Fault | undefined,
  count: (n: number) => void,
): Promise<void> {
  if (route.redirect) {
    return finish(res, rec, route.redirect.status ?? 302, { location: route.redirect.location });
  }
  if (route.auth && !authorized(req, route.auth)) {
    if (route.auth.forbidden) return finish(res, rec, 403);
    return finish(res, rec, 401, { 'www-authenticate': 'Basic realm="dlkit-test"' });
  }
  if (fault?.kind === 'status') {
    return finish(res, rec, fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
  }
  const body = route.body ?? Buffer.alloc(0);
  const etag = route.etag === undefined ? strongEtag(body) : route.etag;
  const headers: Record<string, string> = { ...route.headers };
  if (etag) headers.etag = etag;
  if (route.lastModified) headers['last-modified'] = route.lastModified;
  if (route.contentDisposition) headers['content-disposition'] = route.contentDisposition;
  if (route.advertiseRanges ?? route.ranges ?? true) headers['accept-ranges'] = 'bytes';

  const honour = (route.ranges ?? true) && fault?.kind !== 'ignore-range';
  const range = honour ? effectiveRange(req, body.length, etag, route.lastModified ?? null) : undefined;
  if (range === 'unsatisfiable') {
    return finish(res, rec, 416, { ...headers, 'content-range': `bytes */${body.length}` });
  }
  const [start, end] = range ? [range.start, range.end] : [0, body.length];
  if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${body.length}`;
  rec.status = range ? 206 : 200;
  res.writeHead(rec.status, { ...headers, 'content-length': String(end - start) });
  if (req.method === 'HEAD') return void res.end();
  await sendBody(res, body.subarray(start, end), route.rate, fault, count);
}

function effectiveRange(
  req: IncomingMessage,
  size: number,
  etag: string | null,
  lastModified: string | null,
): ServedRange | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (!header) return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) return undefined;
  return parseRangeHeader(header, size);
}

async function sendBody(
  res: ServerResponse,
  bytes: Buffer,
  rate: number | undefined,
  fault: Fault | undefined,
  count: (n: number) => void,
): Promise<void> {
  let cut = fault && 'afterBytes' in fault ? Math.min(fault.afterBytes, bytes.length) : -1;
  let sent = 0;
  for (;;) {
    if (res.destroyed) return;
    if (sent === cut && fault) {
      if (fault.kind !== 'stall') return cutConnection(res, fault.kind);
      await sleep(fault.ms);
      cut = -1;
    }
    if (sent >= bytes.length) return void res.end();
    const limit = cut > sent ? cut : bytes.length;
    const piece = bytes.subarray(sent, Math.min(limit, sent + (rate ? Math.max(1024, Math.floor(rate / 20)) : CHUNK)));
    sent += piece.length;
    count(piece.length);
    if (!res.write(piece)) await drained(res);
    if (rate) await sleep((piece.length / rate) * 1000);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

function cutConnection(res: ServerResponse, kind: Fault['kind']): void {
  // 'short' flushes what was written and closes cleanly; 'reset' drops the socket at once.
  if (kind === 'short') res.socket?.end();
  else res.socket?.resetAndDestroy?.() ?? res.destroy();
}
