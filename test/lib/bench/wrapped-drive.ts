import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachLoop, loopSkipReason, type LoopDevice } from '../../helpers/loop-device.js';

/**
 * A fake-capacity drive for tests: a loop device over a FUSE file (fixtures/wrapfs.py)
 * that claims more than it stores and wraps around. The kernel here has no device-mapper
 * (no /dev/mapper/control), which would otherwise do it with a dm-linear table.
 */
const SCRIPT = join(import.meta.dirname, 'fixtures', 'wrapfs.py');
const PYTHONS = ['/usr/bin/python3', 'python3'];
const python = PYTHONS.find((p) => spawnSync(p, ['-c', 'import fusepy']).status === 0 || spawnSync(p, ['-c', 'import fuse; fuse.FUSE']).status === 0);

function reason(): string | undefined {
  if (loopSkipReason) return loopSkipReason;
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse in this kernel';
  if (python === undefined) return 'python3 with fusepy is missing (apt-get install python3-fusepy)';
  return undefined;
}
export const wrappedSkipReason = reason();

export interface WrappedDrive extends LoopDevice {
  remove(): Promise<void>;
}

export async function wrappedDrive(claim: number, real: number): Promise<WrappedDrive> {
  const dir = mkdtempSync(join(tmpdir(), 'dlk-wrap-'));
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  const child = spawn(python!, [SCRIPT, mnt, String(claim), String(real)], { stdio: 'ignore' });
  const file = join(mnt, 'disk.img');
  for (let i = 0; i < 200 && !(existsSync(file) && statSync(file).size === claim); i++) await sleep(25);
  const loop = attachLoop(file);
  return {
    ...loop,
    remove: async () => {
      loop.detach();
      spawnSync('umount', [mnt]);
      child.kill();
      await sleep(50);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
