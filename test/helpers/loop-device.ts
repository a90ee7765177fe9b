import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loop devices for tests that need a real block device (dl-flash, dl-bench). Attach with
 * attachLoop(), and detach in finally/afterAll; suites skip with `loopSkipReason` when
 * loop devices cannot be had here (not root, no losetup, no /dev/loop-control).
 */
export interface LoopDevice {
  /** /dev/loopN */
  path: string;
  /** The backing file. */
  file: string;
  /** Partition nodes /dev/loopNpK (after addPartitions). */
  partitions: string[];
  detach(): void;
}

function probe(): string | undefined {
  if (process.getuid?.() !== 0) return 'loop devices need root';
  const dir = mkdtempSync(join(tmpdir(), 'dlk-loop-probe-'));
  try {
    const file = join(dir, 'probe.img');
    writeFileSync(file, Buffer.alloc(1 << 20));
    const dev = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    execFileSync('losetup', ['-d', dev]);
    return undefined;
  } catch (err) {
    return `cannot attach a loop device: ${(err as Error).message.split('\n')[0] ?? ''}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why loop tests cannot run here, or undefined when they can. */
export const loopSkipReason: string | undefined = probe();

const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Attaches `file` to a free loop device; `readOnly` attaches it read-only (-r). */
export function attachLoop(file: string, opts: { readOnly?: boolean } = {}): LoopDevice {
  const path = run('losetup', ['-f', '--show', ...(opts.readOnly ? ['-r'] : []), file]);
  const dev: LoopDevice = {
    path,
    file,
    partitions: [],
    detach: () => {
      if (dev.partitions.length > 0) run('partx', ['-d', path]);
      run('losetup', ['-d', path]);
    },
  };
  return dev;
}

/**
 * Creates the partition nodes of a partitioned loop device. `losetup -P` makes none on
 * these machines; `partx -a` does.
 */
export function addPartitions(dev: LoopDevice): string[] {
  run('partx', ['-a', dev.path]);
  const names = run('lsblk', ['-nro', 'PATH,TYPE', dev.path])
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, type]) => type === 'part')
    .map(([p]) => p ?? '');
  dev.partitions = names;
  return names;
}

/** A file of `size` bytes; `fill` (default zeros) repeats to fill it. */
export function makeImage(path: string, size: number, fill?: Buffer): string {
  const data = Buffer.alloc(size);
  if (fill) for (let at = 0; at < size; at += fill.length) fill.copy(data, at);
  writeFileSync(path, data);
  return path;
}
