import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveIdentity } from '../../../src/lib/device/drive.js';
import { listDrives } from '../../../src/lib/device/list-drives.js';
import { runLsblk } from '../../../src/lib/device/lsblk.js';
import { readMountTables } from '../../../src/lib/device/mount-table.js';
import { openDevice } from '../../../src/lib/device/open-device.js';
import { findSystemDrives } from '../../../src/lib/device/system-drives.js';
import { addPartitions, attachLoop, loopSkipReason, type LoopDevice } from '../../helpers/loop-device.js';

const MiB = 1 << 20;

describe.skipIf(loopSkipReason)(`drives from lsblk + sysfs${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let dir: string;
  let loop: LoopDevice;
  const mnt = (): string => join(dir, 'mnt');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-list-'));
    const file = join(dir, 'disk.img');
    writeFileSync(file, Buffer.alloc(48 * MiB));
    execFileSync('sfdisk', ['-q', file], { input: 'label: gpt\n,16M,L\n,,L\n' });
    loop = attachLoop(file);
    addPartitions(loop);
    execFileSync('mkfs.ext4', ['-q', '-L', 'ROOTFS', loop.partitions[1]!]);
    mkdirSync(mnt());
    execFileSync('mount', ['-o', 'ro', loop.partitions[1]!, mnt()]);
  });
  afterAll(() => {
    execFileSync('umount', [mnt()]);
    loop.detach();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees loop devices with their partitions, file systems, mount points and backing file', async () => {
    const d = (await listDrives()).find((x) => x.path === loop.path);
    expect(d).toMatchObject({ bus: 'loop', size: 48 * MiB, removable: false, virtual: true, backingFile: loop.file });
    expect(d!.partitions.map((p) => p.path)).toEqual(loop.partitions);
    // FSTYPE, LABEL and PTTYPE come from the udev database, absent in containers: not asserted.
    expect(d!.partitions[1]).toMatchObject({ type: 'part', mountpoints: [mnt()] });
    expect(d!.mountpoints).toEqual([mnt()]);
    expect(driveIdentity(d!).busPath).toContain(loop.file);
  });

  it('names the drive holding / as the system drive', async () => {
    const drives = await listDrives();
    const system = await findSystemDrives(drives, await readMountTables());
    const root = execFileSync('findmnt', ['-no', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
    const rootDrive = drives.find((d) => d.path === root || d.partitions.some((p) => p.path === root));
    if (rootDrive) expect(system.get(rootDrive.path)).toBe('it holds /');
    expect(system.has(loop.path)).toBe(false);
  });

  it('opening for writing is exclusive: a mounted drive is busy (EBUSY → 77)', async () => {
    const d = (await listDrives()).find((x) => x.path === loop.path)!;
    await expect(openDevice(d, { write: true })).rejects.toMatchObject({ code: 'DL_ERR_DEVICE_BUSY', exitCode: 77 });
  });

  it('a drive re-attached to another file between check and open is refused', async () => {
    const file = join(dir, 'other.img');
    writeFileSync(file, Buffer.alloc(8 * MiB));
    const a = attachLoop(file);
    const checked = (await listDrives()).find((x) => x.path === a.path)!;
    a.detach();
    writeFileSync(join(dir, 'third.img'), Buffer.alloc(8 * MiB));
    const b = attachLoop(join(dir, 'third.img'));
    try {
      expect(b.path).toBe(a.path);
      await expect(openDevice(checked, { write: true })).rejects.toMatchObject({ code: 'DL_ERR_DEVICE_CHANGED', exitCode: 77 });
    } finally {
      b.detach();
    }
  });
});

const noLsblk = spawnSync('lsblk', ['--version']).error === undefined ? undefined : 'no lsblk (util-linux)';
describe.skipIf(noLsblk)(`runLsblk${noLsblk ? ` (${noLsblk})` : ''}`, () => {
  it('a device lsblk cannot list fails with what lsblk said (DL_ERR_LSBLK, 66)', async () => {
    await expect(runLsblk(['/nonexistent-dlk'])).rejects.toMatchObject({ code: 'DL_ERR_LSBLK', exitCode: 66, message: expect.stringMatching(/^lsblk failed: lsblk: \/nonexistent-dlk/) });
  });
});
