import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-unpack.js';
import { memoryIo } from '../cli/memory-io.js';
import { hasTool, mixedBytes, sh, tempDir } from '../lib/unpack/tools.js';

/** dl-unpack's run() in process, against trees made and extracted by tar, zip and unzip. */
const tmp = tempDir('dl-unpack-cmd-');
afterAll(tmp.cleanup);
const dir = tmp.dir;

interface Result {
  code: number;
  stdout: Buffer;
  stderr: string;
}

async function dlUnpack(argv: string[], stdin?: Buffer): Promise<Result> {
  const m = memoryIo({ cwd: dir });
  const out: Buffer[] = [];
  m.io.stdout.removeAllListeners('data');
  m.io.stdout.on('data', (c: Buffer) => out.push(c));
  if (stdin) m.io.stdin = Readable.from([stdin]);
  const code = await run(argv, m.io);
  return { code, stdout: Buffer.concat(out), stderr: m.stderr() };
}

/** Every path under root with its type, mode, mtime, link target and content digest. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = lstatSync(p);
      const rel = relative(root, p);
      if (s.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(p)}`;
      else if (s.isDirectory()) (out[rel] = `dir ${(s.mode & 0o7777).toString(8)} ${Math.floor(s.mtimeMs / 1000)}`), walk(p);
      else out[rel] = `file ${(s.mode & 0o7777).toString(8)} ${Math.floor(s.mtimeMs / 1000)} ${s.nlink} ${readFileSync(p).toString('base64').slice(0, 40)}`;
    }
  };
  walk(root);
  return out;
}

const fresh = (name: string): string => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};

beforeAll(() => {
  const t = fresh('tree/top');
  mkdirSync(join(t, 'sub/deeper'), { recursive: true });
  writeFileSync(join(t, 'a.txt'), 'hello\n');
  writeFileSync(join(t, 'sub/exec.sh'), '#!/bin/sh\necho hi\n');
  writeFileSync(join(t, 'sub/deeper/data.bin'), mixedBytes(300_000));
  writeFileSync(join(t, `${'long-name-'.repeat(12)}.txt`), 'long\n');
  mkdirSync(join(t, `${'d'.repeat(90)}/${'e'.repeat(90)}`), { recursive: true });
  writeFileSync(join(t, `${'d'.repeat(90)}/${'e'.repeat(90)}/f.txt`), 'deep\n');
  sh(`chmod 755 sub/exec.sh && chmod 600 a.txt && ln -s sub/exec.sh link && ln a.txt hard.txt && touch -d '2001-02-03 04:05:06' a.txt sub sub/exec.sh`, t);
});

describe('extraction matches tar -x and unzip', () => {
  it.each([
    ['GNU tar', 'tar --format=gnu -cf - top', ''],
    ['PAX tar.gz', 'tar --format=pax -cf - top | gzip', 'gzip'],
    ['tar.xz', 'tar -cf - top | xz -T0', 'xz'],
    ['tar.zst', 'tar -cf - top | zstd -q', 'zstd'],
    ['tar.bz2', 'tar -cf - top | bzip2', 'bzip2'],
  ])('%s', async (_name, make, tool) => {
    if (tool && !hasTool(tool)) return;
    const archive = join(dir, `t-${_name.replace(/\W/g, '')}`);
    sh(`${make} > ${archive}`, join(dir, 'tree'));
    const ours = fresh(`ours-${_name.replace(/\W/g, '')}`);
    const theirs = fresh(`theirs-${_name.replace(/\W/g, '')}`);
    sh(`tar -xf ${archive} -C ${theirs}`);
    const r = await dlUnpack([archive, '-C', ours]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(snapshot(ours)).toEqual(snapshot(theirs));
  });

  it.skipIf(!hasTool('zip') || !hasTool('unzip'))('zip, from the file and from stdin', async () => {
    const archive = join(dir, 't.zip');
    sh(`zip -q -r -y ${archive} top`, join(dir, 'tree'));
    const theirs = fresh('theirs-zip');
    sh(`unzip -q ${archive} -d ${theirs}`);
    const ours = fresh('ours-zip');
    expect((await dlUnpack([archive, '-C', ours])).code).toBe(0);
    const strip = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.replace(/^(file \d+ \d+) \d+/, '$1')]));
    expect(strip(snapshot(ours))).toEqual(strip(snapshot(theirs)));
    const piped = fresh('ours-zip-stdin');
    const r = await dlUnpack(['-C', piped, '--progress', 'plain'], readFileSync(archive));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('spooling');
    expect(strip(snapshot(piped))).toEqual(strip(snapshot(theirs)));
  });
});

describe('options', () => {
  it('--strip-components, --include, --exclude', async () => {
    const archive = join(dir, 'opts.tar');
    sh(`tar -cf ${archive} top`, join(dir, 'tree'));
    const out = fresh('opts');
    const r = await dlUnpack([archive, '-C', out, '--strip-components', '1', '--include', 'top/sub/**', '--exclude', '**/*.bin']);
    expect(r.code).toBe(0);
    expect(Object.keys(snapshot(out))).toEqual(['sub', 'sub/deeper', 'sub/exec.sh']);
  });

  it('refuses to replace existing files unless --overwrite', async () => {
    const archive = join(dir, 'ow.tar');
    sh(`tar -cf ${archive} top/a.txt`, join(dir, 'tree'));
    const out = fresh('ow');
    mkdirSync(join(out, 'top'));
    writeFileSync(join(out, 'top/a.txt'), 'mine\n');
    const r = await dlUnpack([archive, '-C', out]);
    expect(r.stderr).toContain('already exists');
    expect(readFileSync(join(out, 'top/a.txt'), 'utf8')).toBe('mine\n');
    expect((await dlUnpack([archive, '-C', out, '--strict'])).code).toBe(77);
    expect((await dlUnpack([archive, '-C', out, '--overwrite'])).code).toBe(0);
    expect(readFileSync(join(out, 'top/a.txt'), 'utf8')).toBe('hello\n');
  });

  it('-l lists type, mode, size, mtime, name; --json as NDJSON', async () => {
    const archive = join(dir, 'list.tar.gz');
    sh(`tar -czf ${archive} top/a.txt top/link`, join(dir, 'tree'));
    const text = (await dlUnpack(['-l', archive])).stdout.toString();
    expect(text).toMatch(/^- 0600 +6 2001-02-0\d \d\d:05:06 top\/a\.txt\nl 0777 +0 .* top\/link -> sub\/exec\.sh\n$/);
    const json = (await dlUnpack(['-l', '--json', archive])).stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(json[0]).toMatchObject({ name: 'top/a.txt', type: 'file', mode: 0o600, size: 6, mtime: expect.any(Number) });
  });

  it('-o writes FILE.part and renames it; a failure leaves neither', async () => {
    const src = join(dir, 'o-src');
    writeFileSync(src, mixedBytes(2_000_000));
    sh(`xz -k -1 ${src}`);
    expect((await dlUnpack(['-o', 'o-out', `${src}.xz`])).code).toBe(0);
    expect(readFileSync(join(dir, 'o-out')).equals(readFileSync(src))).toBe(true);
    const cut = readFileSync(`${src}.xz`).subarray(0, 300_000);
    writeFileSync(join(dir, 'cut.xz'), cut);
    const r = await dlUnpack(['-o', 'cut-out', 'cut.xz']);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/at byte \d+/);
    expect(existsSync(join(dir, 'cut-out')) || existsSync(join(dir, 'cut-out.part'))).toBe(false);
  });

  it('-o into a named pipe or /dev/null-like device writes into it and leaves the node; a block device is refused', async () => {
    const src = join(dir, 'p-src');
    writeFileSync(src, mixedBytes(1_000_000));
    sh(`gzip -k -1 ${src}`);
    const fifo = join(dir, 'p.fifo');
    sh(`mkfifo ${fifo}`);
    const copy = spawn('sh', ['-c', `cat '${fifo}' > '${fifo}.copy'`]);
    const copied = new Promise((ok) => copy.on('exit', ok));
    expect((await dlUnpack(['-o', fifo, `${src}.gz`])).code).toBe(0);
    await copied;
    expect(readFileSync(`${fifo}.copy`).equals(readFileSync(src))).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    if (process.getuid?.() !== 0) return; // mknod needs root
    sh(`mknod -m 666 ${join(dir, 'null')} c 1 3 && mknod ${join(dir, 'blk')} b 7 250`);
    expect((await dlUnpack(['-o', 'null', `${src}.gz`])).code).toBe(0);
    expect(lstatSync(join(dir, 'null')).isCharacterDevice()).toBe(true);
    const r = await dlUnpack(['--overwrite', '-o', 'blk', `${src}.gz`]);
    expect(r.code).toBe(77);
    expect(r.stderr).toMatch(/is a block device.*dl-flash/s);
    expect(lstatSync(join(dir, 'blk')).isBlockDevice()).toBe(true);
  });

  it('stdin that is a pipe (Io.stdinPipe) is read through the pipe, not the stdin stream', async () => {
    const src = join(dir, 'sp-src');
    writeFileSync(src, mixedBytes(3_000_000, 7));
    sh(`xz -k -1 -T2 ${src}`);
    const fifo = join(dir, 'stdin.fifo');
    sh(`mkfifo ${fifo}`);
    const feed = spawn('sh', ['-c', `cat '${src}.xz' > '${fifo}'`]);
    const fed = new Promise((ok) => feed.on('exit', ok));
    const m = memoryIo({ cwd: dir });
    const out: Buffer[] = [];
    m.io.stdout.removeAllListeners('data');
    m.io.stdout.on('data', (c: Buffer) => out.push(c));
    m.io.stdinPipe = fifo;
    Object.defineProperty(m.io, 'stdin', { get: () => { throw new Error('the stdin stream was read'); } });
    expect(await run(['-q'], m.io)).toBe(0);
    await fed;
    expect(Buffer.concat(out).equals(readFileSync(src))).toBe(true);
  });

  it('--max-size stops a 10 GiB bomb (exit 65) and removes the partial output', async () => {
    // 10 GiB of zeros as ten 1 GiB frames: the same bomb, made in a tenth of the time.
    sh('head -c 1073741824 /dev/zero | zstd -q -3 > one.zst && for i in 0 1 2 3 4 5 6 7 8 9; do cat one.zst; done > bomb.zst', dir);
    expect(readFileSync(join(dir, 'bomb.zst')).length).toBeLessThan(10_000_000);
    const r = await dlUnpack(['-o', 'bomb.out', '--max-size', '64M', 'bomb.zst']);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('--max-size');
    expect(existsSync(join(dir, 'bomb.out.part')) || existsSync(join(dir, 'bomb.out'))).toBe(false);
  });

  it('--max-size refuses a zip whose members declare more, before writing', async () => {
    sh('head -c 3000000 /dev/zero > zeros && zip -q z.zip zeros', dir);
    const out = fresh('zip-max');
    const r = await dlUnpack(['z.zip', '-C', out, '--max-size', '1M']);
    expect(r.code).toBe(65);
    expect(readdirSync(out)).toEqual([]);
  });

  it('input that is not compressed: exit 65 naming it, -f passes it through', async () => {
    const r = await dlUnpack([], Buffer.from('plain text\n'));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('looks like text');
    const f = await dlUnpack(['-f'], Buffer.from('plain text\n'));
    expect([f.code, f.stdout.toString()]).toEqual([0, 'plain text\n']);
  });

  it('json events: start with the format, progress with bytes in and out, entry, end', async () => {
    const archive = join(dir, 'ev.tar.gz');
    sh(`tar -czf ${archive} top/a.txt`, join(dir, 'tree'));
    const out = fresh('ev');
    const r = await dlUnpack([archive, '-C', out, '--progress', 'json']);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'progress', 'entry', 'end']));
    expect(events.find((e) => e.type === 'start')).toMatchObject({ format: 'gzip', archive: 'tar', total: readFileSync(archive).length });
    expect(events.find((e) => e.type === 'entry')).toMatchObject({ name: 'top/a.txt', kind: 'file', size: 6 });
    expect(events.findLast((e) => e.type === 'progress')).toMatchObject({ bytes: readFileSync(archive).length, bytesOut: expect.any(Number) });
  });
});
