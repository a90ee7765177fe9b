import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/version.js';
import { commands } from '../../tsup.config.js';
import { buildCommand, type BuiltCommand } from './build-command.js';

const REPO = resolve(import.meta.dirname, '../..');

// The edge as every real command has it: built from src like tsup does, run as a process.
describe.each(commands.map((c) => [c]))('%s as a real process', (tool) => {
  let cmd: BuiltCommand;
  beforeAll(async () => {
    cmd = await buildCommand(tool, resolve(REPO, 'src/commands', `${tool}.ts`));
  });
  afterAll(() => cmd?.remove());

  it('prints the dlkit version', () => {
    expect(spawnSync(cmd.bin, ['--version'], { encoding: 'utf8' })).toMatchObject({ status: 0, stdout: `dlkit ${VERSION}\n`, stderr: '' });
  });

  it('rejects an unknown option with 64 and one line', () => {
    const r = spawnSync(cmd.bin, ['--bogus-option'], { encoding: 'utf8' });
    expect(r).toMatchObject({ status: 64, stdout: '', stderr: `${tool}: Unknown argument: bogus-option (try '${tool} --help')\n` });
  });
});

describe.skipIf(!commands.includes('dl-hash'))('dl-hash -p as a real process (skipped while dl-hash is not in tsup commands)', () => {
  let cmd: BuiltCommand;
  beforeAll(async () => {
    cmd = await buildCommand('dl-hash', resolve(REPO, 'src/commands/dl-hash.ts'));
  });
  afterAll(() => cmd?.remove());

  it('ends quietly when its reader goes away (| head -c 10)', () => {
    // No process upstream: its own SIGPIPE would be the status pipefail reports.
    const script = `${JSON.stringify(cmd.bin)} -p < /dev/zero | head -c 10 | od -An -c`;
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(Array(10).fill('\\0').join('  '));
  });

  it('leaves a shared stdout socket open for the shell that runs it', () => {
    // spawnSync's stdio are socketpairs: ending stdout with shutdown() would cut the
    // socket bash shares, and bash would die of SIGPIPE at its next write.
    const r = spawnSync('bash', ['-c', `echo hi | ${JSON.stringify(cmd.bin)} -p -q; echo after $?`], { encoding: 'utf8', timeout: 60_000 });
    expect(r).toMatchObject({ status: 0, signal: null, stdout: 'hi\nafter 0\n' });
  });

  it('exits 130 on SIGINT while the stream is still open', async () => {
    const child = spawn(cmd.bin, ['-p'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // A byte through the filter shows the handler runs before the signal is sent.
    const exited = once(child, 'exit') as Promise<[number | null]>;
    child.stdin.write('x');
    await Promise.race([once(child.stdout, 'data'), exited]);
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/^dl-hash: interrupted \(run the same command again to resume\)\n$/);
    child.stdin.destroy();
  });
});
