import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPartitionTable } from '../../../src/lib/partition/read-partition-table.js';
import type { PartitionTable } from '../../../src/lib/partition/partition-table.js';

const hasSfdisk = (() => {
  try {
    execFileSync('sfdisk', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'dlk-pt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(name: string, script: string, extra: string[][] = []): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(0));
  execFileSync('truncate', ['-s', '64M', path]);
  execFileSync('sfdisk', ['-q', path], { input: script });
  for (const args of extra) execFileSync('sfdisk', ['-q', ...args.map((a) => a.replace('IMG', path))]);
  return path;
}

function readFileAt(path: string) {
  const fd = openSync(path, 'r');
  return async (offset: number, length: number): Promise<Buffer> => {
    const b = Buffer.alloc(length);
    return b.subarray(0, readSync(fd, b, 0, length, offset));
  };
}

/** sfdisk --json, in our shape: the index from the node name, bootable from the flag or the GPT attribute. */
function sfdiskView(path: string): PartitionTable {
  const t = (JSON.parse(execFileSync('sfdisk', ['--json', path], { encoding: 'utf8' })) as { partitiontable: Record<string, unknown> }).partitiontable;
  const parts = t.partitions as Record<string, unknown>[];
  return {
    label: t.label as 'dos' | 'gpt',
    id: t.id as string,
    sectorSize: t.sectorsize as number,
    partitions: parts.map((p) => ({
      index: Number(/(\d+)$/.exec(p.node as string)![1]),
      start: p.start as number,
      size: p.size as number,
      type: p.type as string,
      bootable: p.bootable === true || String(p.attrs ?? '').includes('LegacyBIOSBootable'),
      ...(p.uuid ? { uuid: p.uuid as string } : {}),
      ...(p.name ? { name: p.name as string } : {}),
      ...(p.attrs ? { attrs: p.attrs as string } : {}),
    })),
  };
}

describe.skipIf(!hasSfdisk)('partition tables, as sfdisk --json reports them', () => {
  it.each([
    ['MBR with a bootable FAT, Linux, and logical partitions in an extended one', 'label: dos\n,8M,c,*\n,8M,83\n,,5\n,4M,83\n,,82\n', []],
    ['MBR, a single Linux partition', 'label: dos\nlabel-id: 0xdeadbeef\n,,83\n', []],
    ['GPT with names and attributes', 'label: gpt\n,8M,U\n,16M,L\n,,L\n', [['--part-label', 'IMG', '1', 'EFI system'], ['--part-attrs', 'IMG', '2', 'LegacyBIOSBootable,RequiredPartition,60']]],
    ['GPT with a hole in the entry table', 'label: gpt\n2: start=4096,size=2048,type=L\n5: size=1M,type=S\n', []],
  ])('%s', async (_, script, extra) => {
    const path = image(`${_.slice(0, 8).replace(/\W/g, '_')}.img`, script, extra);
    expect(await readPartitionTable(readFileAt(path))).toEqual(sfdiskView(path));
  });

  it('an image without a table, or a FAT superfloppy, has none', async () => {
    const blank = join(dir, 'blank.img');
    writeFileSync(blank, Buffer.alloc(1 << 20));
    expect(await readPartitionTable(readFileAt(blank))).toBeNull();
    const fat = Buffer.alloc(1 << 20);
    fat.fill(0x33, 0, 510);
    fat[510] = 0x55;
    fat[511] = 0xaa;
    writeFileSync(join(dir, 'fat.img'), fat);
    expect(await readPartitionTable(readFileAt(join(dir, 'fat.img')))).toBeNull();
  });
});
