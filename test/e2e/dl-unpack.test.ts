import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixedBytes, sha256, tempDir } from '../lib/unpack/tools.js';

/**
 * The built binary (bin/dl-unpack.js → dist/) in real bash pipelines. Builds dist/ once
 * if it is missing (CI builds before testing).
 */
const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'dl-unpack.js');
const tmp = tempDir('dl-unpack-e2e-');
afterAll(tmp.cleanup);
const plain = mixedBytes(8_000_000);

const bash = (script: string) =>
  spawnSync('bash', ['-c', `set -o pipefail\n${script}`], {
    cwd: tmp.dir,
    encoding: 'buffer',
    maxBuffer: 64 << 20,
    env: { ...process.env, UNPACK: `${process.execPath} ${BIN}` },
  });

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'commands', 'dl-unpack.cjs'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  writeFileSync(join(tmp.dir, 'plain'), plain);
});

describe('dl-unpack in pipelines', () => {
  it.each(['gzip', 'xz', 'zstd -q', 'bzip2'])('%s -c | dl-unpack gives the bytes back', (tool) => {
    const r = bash(`${tool} -c plain | $UNPACK`);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(sha256(r.stdout)).toBe(sha256(plain));
  });

  // Output buffers are filled again once written (BufferRecycler): a reader that starts
  // late, and a file, must still get every byte as it was.
  it.each(['xz -T2 --block-size=500000', 'zstd -q'])('%s: into a late reader and into -o FILE, the same bytes', (tool) => {
    const late = bash(`${tool} -c plain > in.c && $UNPACK in.c | { sleep 0.3; cat; }`);
    expect(late.status).toBe(0);
    expect(sha256(late.stdout)).toBe(sha256(plain));
    const file = bash(`$UNPACK -o out.bin --overwrite in.c && cat out.bin`);
    expect(file.status).toBe(0);
    expect(sha256(file.stdout)).toBe(sha256(plain));
  });

  it('| head -c 10 ends quietly (broken pipe)', () => {
    const r = bash(`xz -c -0 plain > p.xz && $UNPACK p.xz | head -c 10 > /dev/null; echo "status \${PIPESTATUS[0]}" >&2`);
    expect(r.stderr.toString()).toBe('status 0\n');
  });

  it('a truncated download fails with 65, naming the offset', () => {
    const r = bash('gzip -c plain | head -c 100000 | $UNPACK > /dev/null');
    expect(r.status).toBe(65);
    expect(r.stderr.toString()).toMatch(/gzip input is corrupt or truncated at byte \d+/);
  });
});
