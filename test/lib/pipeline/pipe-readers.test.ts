import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlkitCommandOf, readerState } from '../../../src/lib/pipeline/is-dlkit-command.js';
import { notifyPipeReaders } from '../../../src/lib/pipeline/notify-pipe-readers.js';
import { pipeOf, pipeReaders } from '../../../src/lib/pipeline/pipe-readers.js';
import { startPipeFixture, type PipeFixture } from './pipe-fixture.js';

const SIGUSR2 = constants.signals.SIGUSR2;
const uid = process.getuid?.() ?? -1;
const linux = process.platform === 'linux';

describe('dlkitCommandOf', () => {
  it.each([
    [['/usr/bin/node', '/usr/local/bin/dl-flash', '-', '/dev/sdb'], 'dl-flash'],
    [['node', '/opt/dlkit/bin/dl-unpack.js'], 'dl-unpack'],
    [['node', '--enable-source-maps', '/x/tmp/bin/stargz-get.mjs', 'img'], 'stargz-get'],
    [['/bin/sh', '/x/node_modules/.bin/dl-hash', '-p'], 'dl-hash'],
    // dl-progress only draws the stages' events; it stays up to show their failure.
    [['node', '/usr/local/bin/dl-progress'], undefined],
    [['node', '/srv/app/server.js'], undefined],
    [['cat'], undefined],
    [['dl-flash'], undefined],
    [['bash', '-c', 'dl-flash - /dev/sdb'], undefined],
    [['python3', '/home/u/dl-photos.py'], undefined],
  ])('%j → %s', (argv, command) => {
    expect(dlkitCommandOf(argv)).toBe(command);
  });
});

describe.skipIf(!linux)('a real pipeline in /proc', () => {
  let p: PipeFixture;
  beforeAll(async () => {
    p = await startPipeFixture();
  });
  afterAll(() => p?.stop());

  it("finds the pipe behind the writer's stdout; a descriptor that is no pipe has none", async () => {
    expect(pipeOf('/proc', p.pids.writer!, 1)).toMatch(/^pipe:\[\d+\]$/);
    const child = spawn('sleep', ['30'], { stdio: ['ignore', 'ignore', 'ignore'] });
    await once(child, 'spawn');
    expect(pipeOf('/proc', child.pid!, 1)).toBeUndefined();
    child.kill();
  });

  it("lists the user's processes reading the pipe: not the writer, not another user's", () => {
    const readers = pipeReaders({ procRoot: '/proc', uid }, pipeOf('/proc', p.pids.writer!, 1)!, p.pids.writer!);
    const { cat, other, deaf, late, dlkit } = p.pids;
    expect(readers.sort()).toEqual([cat, other, deaf, late, dlkit].sort());
  });

  it('tells a dlkit command that catches the signal from everything else', () => {
    const state = (role: string): string => readerState('/proc', p.pids[role]!, SIGUSR2);
    expect(['dlkit', 'deaf', 'other', 'cat'].map(state)).toEqual(['ready', 'starting', 'other', 'other']);
  });

  it('signals only the dlkit readers catching SIGUSR2, waiting for one still starting', async () => {
    const t0 = Date.now();
    const told = await notifyPipeReaders({ procRoot: '/proc', pid: p.pids.writer!, fd: 1, uid, signal: SIGUSR2, kill: (pid) => process.kill(pid, 'SIGUSR2'), waitMs: 2000 });
    expect(told.sort()).toEqual([p.pids.dlkit, p.pids.late].sort());
    // The deaf one named a dlkit command but never caught the signal: waited for, then left alone.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    await expect.poll(() => p.stderr()).toMatch(/^late got SIGUSR2$/m);
    expect(p.stderr()).toMatch(/^dlkit got SIGUSR2$/m);
    expect(p.stderr()).not.toMatch(/(other|deaf|foreign) got/);
    expect(['cat', 'other', 'deaf', 'writer'].map(p.alive)).toEqual([true, true, true, true]);
  });

  it('does nothing when the stdout given is no pipe', async () => {
    const told = await notifyPipeReaders({ procRoot: '/proc', pid: p.pids.writer!, fd: 0, uid, signal: SIGUSR2, kill: () => expect.fail('no one to signal') });
    expect(told).toEqual([]);
  });
});
