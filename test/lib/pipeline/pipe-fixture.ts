import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real shell pipeline for the /proc tests: `writer | readers…`, every process sharing
 * the one pipe. Each reader is a node script named like a dlkit launcher or not, which
 * catches SIGUSR2 (`catch`), starts catching it after 400 ms (`late`) or never (`deaf`),
 * and reports `ROLE got SIGUSR2` (then exits 65) when it gets it.
 */
export interface PipeFixture {
  /** Pid by role: writer, cat, dlkit, late, deaf, other, and foreign when root. */
  pids: Record<string, number>;
  stderr: () => string;
  alive: (role: string) => boolean;
  stop: () => void;
}

const SCRIPT = `const [role, mode] = process.argv.slice(2);
const listen = () => process.on('SIGUSR2', () => { process.stderr.write(role + ' got SIGUSR2\\n'); process.exit(65); });
if (mode === 'catch') listen();
if (mode === 'late') setTimeout(listen, 400);
process.stderr.write(role + ' ' + process.pid + '\\n');
process.stdin.resume();
setTimeout(() => undefined, 60_000);
`;

export async function startPipeFixture(): Promise<PipeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'dlk-pipe-'));
  chmodSync(dir, 0o755);
  for (const name of ['dl-fake.mjs', 'dl-late.mjs', 'dl-deaf.mjs', 'not-dlkit.mjs']) writeFileSync(join(dir, name), SCRIPT);
  const node = JSON.stringify(process.execPath);
  const asNobody = process.getuid?.() === 0 ? `setpriv --reuid=65534 --regid=65534 --clear-groups ${node} dl-fake.mjs foreign catch <&3 &` : '';
  const script = [
    `sh -c 'echo "writer $$" >&2; exec sleep 60' | {`,
    // A job in the background reads /dev/null unless told otherwise: fd 3 is the pipe.
    'exec 3<&0',
    'cat <&3 >/dev/null & echo "cat $!" >&2',
    `${node} not-dlkit.mjs other catch <&3 &`,
    `${node} dl-deaf.mjs deaf none <&3 &`,
    `${node} dl-late.mjs late late <&3 &`,
    asNobody,
    `exec ${node} dl-fake.mjs dlkit catch; }`,
  ].join('\n');
  const shell = spawn('bash', ['-c', script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  shell.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const roles = ['writer', 'cat', 'other', 'deaf', 'late', 'dlkit', ...(asNobody ? ['foreign'] : [])];
  const pids: Record<string, number> = {};
  for (let i = 0; i < 200 && roles.some((r) => pids[r] === undefined); i++) {
    await new Promise((r) => setTimeout(r, 50));
    for (const [, role, pid] of stderr.matchAll(/^(\w+) (\d+)$/gm)) pids[role!] = Number(pid);
  }
  const alive = (role: string): boolean => {
    try {
      process.kill(pids[role]!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = (): void => {
    for (const pid of [...Object.values(pids), shell.pid]) {
      try {
        process.kill(pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (roles.some((r) => pids[r] === undefined)) {
    stop();
    throw new Error(`pipeline did not start: ${stderr}`);
  }
  return { pids, stderr: () => stderr, alive, stop };
}
