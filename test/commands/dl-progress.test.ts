import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-progress.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { memoryIo } from '../cli/memory-io.js';

/**
 * dl-progress in process over real files and a real named pipe. The event streams are
 * written here with chosen times, so rates (and so the bottleneck) are known exactly.
 */
let dir: string;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** A stage's events: start, progress every 100 ms at `perSecond` bytes/s for `ms`, end. */
function stream(tool: string, id: string, perSecond: number, ms: number): string {
  const lines = [{ v: 1, type: 'start', time: at(0), tool, id, total: null }];
  for (let t = 100; t <= ms; t += 100) lines.push({ v: 1, type: 'progress', time: at(t), tool, id, bytes: (perSecond * t) / 1000, total: null } as never);
  lines.push({ v: 1, type: 'end', time: at(ms), tool, id, bytes: (perSecond * ms) / 1000, durationMs: ms } as never);
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

async function dlProgress(args: string[], opts: { tty?: boolean } = {}) {
  const m = memoryIo({ cwd: dir });
  if (opts.tty) Object.assign(m.io, { isTTY: { stdin: false, stdout: true, stderr: true }, columns: 100 });
  const status = await run(args, m.io);
  return { status, stdout: m.stdout(), stderr: m.stderr() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dl-progress-'));
  // Two tools that both call their item "-": they must stay two stages.
  write('fast.ndjson', stream('dl-hash', '-', 10_000_000, 4000));
  write('slow.ndjson', `not an event\n${stream('dl-unpack', '-', 2_000_000, 4000)}{"v":2,"type":"start"}\n`);
  write('same.ndjson', stream('dl-unpack', '-', 9_000_000, 4000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dl-progress', () => {
  it('shows each stage, names the clearly slowest one and passes other lines through unchanged', async () => {
    const r = await dlProgress(['--progress', 'plain', 'fast.ndjson', 'slow.ndjson']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('not an event\n{"v":2,"type":"start"}\n');
    expect(r.stderr).toContain('dl-progress: dl-hash: done, 38.1 MiB in 4s (9.54 MiB/s)\n');
    expect(r.stderr).toMatch(/^dl-progress: bottleneck: dl-unpack at 1\.91 MiB\/s, next dl-hash at 9\.54 MiB\/s\n$/m);
  });

  it('names no bottleneck when the stages run in step (within 20%)', async () => {
    const r = await dlProgress(['--progress', 'plain', 'fast.ndjson', 'same.ndjson']);
    expect(r.stderr).toContain('no clear bottleneck: stages in step (dl-unpack at 8.58 MiB/s, next dl-hash at 9.54 MiB/s)');
    expect(r.stderr).not.toMatch(/^dl-progress: bottleneck/m);
  });

  it('on a terminal prints passed-through lines above the block, never into it', async () => {
    // Files read at once leave no time for a live frame (the pty test in test/e2e has them).
    const r = await dlProgress(['fast.ndjson', 'slow.ndjson'], { tty: true });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('\x1b[2Knot an event\n');
    expect(r.stderr).toContain('\x1b[2Kdl-unpack: done -: 7.63 MiB in 4s (1.91 MiB/s)\n');
    expect(r.stderr).toContain('\x1b[2Kbottleneck: dl-unpack at 1.91 MiB/s');
  });

  it('--json: one summary object per stage; --progress json: the merged events', async () => {
    const r = await dlProgress(['--json', '--progress', 'json', 'slow.ndjson', 'fast.ndjson']);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{"stage"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { stage: 'dl-unpack', tool: 'dl-unpack', state: 'done', bytes: 8_000_000, total: null, durationMs: 4000, rate: 2_000_000, bottleneck: true },
      { stage: 'dl-hash', tool: 'dl-hash', state: 'done', bytes: 40_000_000, total: null, durationMs: 4000, rate: 10_000_000, bottleneck: false },
    ]);
    const events = assertValidEvents(r.stderr) as { tool: string }[];
    expect(events).toHaveLength(2 * 42);
  });

  it('a missing input is a warning and status 66; the others are still shown', async () => {
    const r = await dlProgress(['--progress', 'plain', 'nope.ndjson', 'fast.ndjson']);
    expect(r.status).toBe(66);
    expect(r.stderr).toMatch(/warning: cannot read .*nope\.ndjson: no such file or directory \(DL_ERR_NO_INPUT\)/);
    expect(r.stderr).toContain('dl-hash: done -');
  });

  it('reads a named pipe as its writer writes, to the writer\'s end', async () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'sleep 0.3; cat fast.ndjson > events.fifo'], { cwd: dir, stdio: 'ignore' });
    // Listened for at once: the writer may exit before dl-progress has returned.
    const exited = new Promise((ok) => writer.on('exit', ok));
    const r = await dlProgress(['--progress', 'plain', 'events.fifo']);
    await exited;
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('dl-hash: done -: 38.1 MiB in 4s');
  });
});
