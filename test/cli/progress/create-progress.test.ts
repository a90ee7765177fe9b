import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test, vi } from 'vitest';
import { createProgress, resolveProgress, type ProgressMode } from '../../../src/cli/progress/create-progress.js';
import type { ProgressSink } from '../../../src/cli/progress/create-progress.js';
import { assertValidEvents } from '../../helpers/validate-events.js';
import { stripAnsi, testIo } from './capture.js';

const MiB = 1024 ** 2;

/** A 2 s job of one item with a progress event every ms, a warning and an end. */
async function job(sink: ProgressSink, advance: (ms: number) => void): Promise<void> {
  sink.emit({ type: 'start', id: 'disk.img', total: 2000 * MiB });
  for (let ms = 1; ms <= 2000; ms++) {
    sink.emit({ type: 'progress', id: 'disk.img', bytes: ms * MiB, total: 2000 * MiB });
    if (ms === 1000) sink.emit({ type: 'warn', id: 'disk.img', code: 'DL_WARN_SLOW', message: 'slow mirror' });
    advance(1);
  }
  sink.emit({ type: 'end', id: 'disk.img', bytes: 2000 * MiB, durationMs: 2000 });
  await sink.close();
}

describe('resolveProgress', () => {
  test.each<[ProgressMode, boolean, boolean, boolean, string | undefined, boolean, string]>([
    // mode, stderr tty, stdout tty, stdoutIsData, TERM, quiet -> what stderr shows
    ['auto', true, false, true, undefined, false, 'diagnostics'], // a middle stage on a terminal
    ['auto', true, false, false, undefined, false, 'tty'], // the last stage draws
    ['auto', true, true, false, 'dumb', false, 'plain'],
    ['auto', false, false, true, undefined, false, 'diagnostics'],
    ['auto', false, true, true, undefined, false, 'plain'],
    ['auto', false, false, false, undefined, false, 'plain'],
    ['auto', true, false, false, undefined, true, 'diagnostics'],
    ['tty', false, false, true, undefined, false, 'tty'],
    ['tty', true, false, false, 'dumb', false, 'plain'],
    ['plain', true, true, false, undefined, false, 'plain'],
    ['json', true, false, true, undefined, true, 'json'],
    ['none', true, true, false, undefined, false, 'diagnostics'],
  ])('%s, stderr tty %s, stdout tty %s, data %s, TERM %s, quiet %s -> %s', (mode, stderrTTY, stdoutTTY, data, term, quiet, want) => {
    const { io } = testIo({ stderrTTY, stdoutTTY, env: term === undefined ? {} : { TERM: term } });
    expect(resolveProgress({ mode, io, stdoutIsData: data, quiet })).toBe(want);
  });

  test.each([
    [true, 'diagnostics'],
    [false, 'tty'],
  ])('auto on a terminal, data stdout is a pipe %s -> %s (`> file` still draws)', (stdoutIsPipe, want) => {
    const { io } = testIo({ stderrTTY: true, stdoutIsPipe });
    expect(resolveProgress({ mode: 'auto', io, stdoutIsData: true })).toBe(want);
  });
});

describe('createProgress', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => vi.advanceTimersByTime(ms);

  it('tty: a bar redrawn at most 10/s, with colour', async () => {
    const { io, stderr } = testIo({ stderrTTY: true, columns: 80 });
    await job(createProgress({ tool: 'dl-get', mode: 'auto', io, stdoutIsData: false }), advance);
    expect(stderr.writes.length).toBeLessThanOrEqual(21);
    expect(stderr.text()).toMatch(/\x1b\[3\dm/);
    expect(stripAnsi(stderr.text())).toContain('dl-get: warning: slow mirror (DL_WARN_SLOW)');
    expect(stripAnsi(stderr.writes.at(-1)!)).toMatch(/dl-get: done disk\.img: 1\.95 GiB in 2s/);
  });

  test.each(['1', ''])('tty with NO_COLOR=%j: no colour codes, still moves the cursor', async (value) => {
    const { io, stderr } = testIo({ stderrTTY: true, env: { NO_COLOR: value } });
    await job(createProgress({ tool: 'dl-get', mode: 'tty', io, stdoutIsData: false }), advance);
    expect(stderr.text()).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(stderr.text()).toMatch(/\x1b\[1F/);
  });

  it('TERM=dumb: plain lines, no cursor movement or colour', async () => {
    const { io, stderr } = testIo({ stderrTTY: true, env: { TERM: 'dumb' } });
    await job(createProgress({ tool: 'dl-get', mode: 'auto', io, stdoutIsData: false }), advance);
    expect(stderr.text()).not.toContain('\x1b');
    expect(stderr.text().split('\n')[0]).toBe('dl-get: start disk.img (1.95 GiB)');
  });

  it('quiet stage (stdout is a data pipe): only the warning reaches stderr', async () => {
    const { io, stderr } = testIo();
    await job(createProgress({ tool: 'dl-get', mode: 'auto', io, stdoutIsData: true }), advance);
    expect(stderr.text()).toBe('dl-get: warning: slow mirror (DL_WARN_SLOW)\n');
  });

  it('-q: no warnings, but errors still show', async () => {
    const { io, stderr } = testIo({ stderrTTY: true });
    const sink = createProgress({ tool: 'dl-get', mode: 'auto', io, stdoutIsData: false, quiet: true });
    sink.emit({ type: 'warn', id: 'x', code: 'DL_WARN_SLOW', message: 'slow' });
    sink.emit({ type: 'error', id: 'x', code: 'DL_ERR_IO', message: 'disk full', exitCode: 74 });
    await sink.close();
    expect(stderr.text()).toBe('dl-get: error: disk full (DL_ERR_IO)\n');
  });

  it('json: every line validates, progress ≤ 10/s with first and last kept', async () => {
    const { io, stderr } = testIo({ stderrTTY: true });
    await job(createProgress({ tool: 'dl-get', mode: 'json', io, stdoutIsData: true }), advance);
    const events = assertValidEvents(stderr.text()) as { type: string; bytes?: number; time: string }[];
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThanOrEqual(21);
    expect(progress[0]!.bytes).toBe(MiB);
    expect(progress.at(-1)!.bytes).toBe(2000 * MiB);
    // A held event keeps the time it was emitted at (one MiB per ms here), not when it passed.
    for (const e of progress) expect(Date.parse(e.time) - Date.UTC(2026, 0, 1)).toBe(e.bytes! / MiB - 1);
    expect(events.map((e) => e.type).filter((t) => t !== 'progress')).toEqual(['start', 'warn', 'end']);
    expect(events.at(-1)!.type).toBe('end');
  });

  it('ignores events after close', async () => {
    const { io, stderr } = testIo();
    const sink = createProgress({ tool: 'dl-get', mode: 'json', io, stdoutIsData: false });
    await sink.close();
    sink.emit({ type: 'start', id: 'late', total: null });
    expect(stderr.text()).toBe('');
  });

  it('refuses --progress-fd without json, and an fd that is not open', () => {
    const { io } = testIo();
    expect(() => createProgress({ tool: 't', mode: 'plain', fd: 2, io, stdoutIsData: false })).toThrow(/needs --progress json/);
    expect(() => createProgress({ tool: 't', mode: 'json', fd: 987, io, stdoutIsData: false })).toThrow(
      expect.objectContaining({ code: 'DL_ERR_USAGE', exitCode: 64 }),
    );
  });
});

describe('--progress-fd', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlkit-progress-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function emitSome(fd: number) {
    const { io, stderr } = testIo();
    const sink = createProgress({ tool: 'dl-hash', mode: 'json', fd, io, stdoutIsData: true });
    sink.emit({ type: 'start', id: 'a', total: 3 });
    sink.emit({ type: 'progress', id: 'a', bytes: 3, total: 3 });
    sink.emit({ type: 'end', id: 'a', bytes: 3, durationMs: 1 });
    await sink.close();
    expect(stderr.text()).toBe('');
  }

  it('writes the events to a file fd and leaves the fd open', async () => {
    const path = join(dir, 'events.ndjson');
    const fd = openSync(path, 'w');
    await emitSome(fd);
    closeSync(fd); // still ours to close: throws if createProgress had closed it
    const events = assertValidEvents(readFileSync(path, 'utf8'));
    expect(events.map((e) => (e as { type: string }).type)).toEqual(['start', 'progress', 'end']);
  });

  it('writes the events into a real pipe read by another process', async () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const exited = new Promise((resolve) => reader.on('close', resolve));
    const fd = openSync(fifo, 'w'); // returns once cat has opened the other end
    await emitSome(fd);
    closeSync(fd);
    await exited;
    expect(assertValidEvents(got)).toHaveLength(3);
  });
});
