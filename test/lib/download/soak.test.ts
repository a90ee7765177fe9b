import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { startFaultServer, type Fault, type FaultServer, type Route } from '../../servers/fault-server.js';
import { seededBytes, seededRandom, type Random } from '../../servers/seeded-random.js';
import { harness } from './harness.js';

/**
 * Seeded soak: every run draws a file, a server behaviour and a fault per request, and
 * must end with a byte-identical file (one whole version the server served) or a
 * rejection and no final file. DL_SOAK_RUNS=2000 for a longer profile; DL_SOAK_SEED
 * to replay one.
 */
const RUNS = Number(process.env.DL_SOAK_RUNS ?? 200);
const SEED = Number(process.env.DL_SOAK_SEED ?? 20260101);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function drawFault(rand: Random, size: number): Fault | undefined {
  const r = rand();
  const at = Math.floor(rand() * Math.max(1, size));
  if (r < 0.1) return { kind: 'reset', afterBytes: at };
  if (r < 0.16) return { kind: 'status', status: [500, 502, 503][Math.floor(rand() * 3)]!, retryAfter: rand() < 0.5 ? '0' : undefined };
  if (r < 0.2) return { kind: 'status', status: 429, retryAfter: '0' };
  if (r < 0.25) return { kind: 'ignore-range' };
  if (r < 0.3) return { kind: 'short', afterBytes: at };
  if (r < 0.33) return { kind: 'stall', afterBytes: at, ms: 400 };
  return undefined;
}

function drawRoute(rand: Random, body: Buffer, srv: FaultServer, path: string, versions: Buffer[]): Route {
  const ranges = rand() < 0.85;
  const etag = rand() < 0.85 ? undefined : null;
  const changeAt = rand() < 0.1 ? 1 + Math.floor(rand() * 4) : -1;
  return {
    body,
    ranges,
    etag,
    lastModified: etag === null && rand() < 0.5 ? 'Tue, 01 Sep 2026 10:00:00 GMT' : null,
    rate: rand() < 0.3 ? 4 * 1024 * 1024 : undefined,
    faults: (_req, i) => {
      if (i === changeAt) {
        const next = seededBytes(body.length + Math.floor(rand() * 3), Math.floor(rand() * 1e9));
        versions.push(next);
        setImmediate(() => srv.route(path, { body: next, ranges, etag }));
      }
      return drawFault(rand, body.length);
    },
  };
}

/** What happened in a run, for the failure message: requests as the server saw them, then events. */
function story(srv: FaultServer, path: string, events: unknown[]): string {
  const reqs = srv.stats.requests.filter((q) => q.path === path).map((q) => `${q.headers.range ?? '-'} if-range=${q.headers['if-range'] ?? '-'} → ${q.status ?? '?'}`);
  return [...reqs, ...events.filter((e) => (e as { type: string }).type !== 'progress').map((e) => JSON.stringify(e))].join('\n');
}

describe('seeded soak of downloadToFile', () => {
  let srv: FaultServer;
  let h: ReturnType<typeof harness>;
  let dir: string;
  beforeAll(async () => {
    srv = await startFaultServer();
    h = harness();
    dir = await h.tempDir();
  });
  afterAll(async () => {
    await h.close();
    await srv.close();
  });

  it(`${RUNS} runs with random faults: identical file or failure without a file`, { timeout: 600_000 }, async () => {
    const rand = seededRandom(SEED);
    const tally = { ok: 0, failed: 0, interrupted: 0 };
    for (let run = 0; run < RUNS; run++) {
      const size = rand() < 0.05 ? Math.floor(rand() * 3) : Math.floor(rand() * 700_000);
      const body = seededBytes(size, run + SEED);
      const path = `/soak${run}`;
      const versions = [body];
      srv.route(path, drawRoute(rand, body, srv, path, versions));
      const target = join(dir, `soak${run}.bin`);
      const eventsBefore = h.events.length;
      const withExpect = rand() < 0.3;
      const interruptAt = rand() < 0.15 ? Math.floor(rand() * size) : -1;
      const opts = (signal?: AbortSignal) =>
        h.options(`${srv.url}${path}`, target, {
          segments: 1 + Math.floor(rand() * 6),
          minSplitBytes: 16 * 1024,
          retry: { retries: 8, minDelayMs: 1, maxDelayMs: 5, factor: 2, maxTotalMs: 8000 },
          stallTimeoutMs: 200,
          checkpointIntervalMs: 20,
          fsync: run % 2 === 0,
          // crc32 saves its hasher state in checkpoints; sha256 is re-hashed on resume.
          expect: withExpect ? (run % 3 === 0 ? { crc32: crc32(body).toString(16).padStart(8, '0') } : { sha256: sha(body) }) : undefined,
          ...(signal ? { signal } : {}),
        });
      if (interruptAt >= 0) {
        const ac = new AbortController();
        const o = opts(ac.signal);
        o.emit = (e) => void (e.type === 'progress' && e.bytes >= interruptAt && ac.abort());
        const first = await downloadToFile(o).then(() => 'ok', (e: { code?: string }) => e.code);
        if (first !== 'ok') tally.interrupted++;
        // Finished before the abort landed: start the second run from nothing again.
        else await rm(target);
      }
      const outcome = await downloadToFile(opts()).then(() => 'ok', (e: unknown) => e);
      const files = await readdir(dir);
      if (outcome === 'ok') {
        tally.ok++;
        const got = sha(await readFile(target));
        const known = versions.map(sha);
        expect(known, `run ${run} (seed ${SEED}) wrote a file matching no version\n${story(srv, path, h.events.slice(eventsBefore))}`).toContain(got);
        if (withExpect) expect(got).toBe(sha(body));
      } else {
        tally.failed++;
        expect(files, `run ${run} (seed ${SEED}) failed (${String(outcome)}) but left a final file`).not.toContain(`soak${run}.bin`);
      }
    }
    expect(tally.ok).toBeGreaterThan(RUNS * 0.6);
    console.log(`soak seed ${SEED}: ${JSON.stringify(tally)}`);
  });
});
