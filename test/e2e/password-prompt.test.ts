import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { binSkipReason, DL_GET_BIN } from './dl-get-bin.js';

// Runs argv on a real pseudo-terminal, types `keys` once the prompt shows, and prints
// everything the terminal showed (JSON) and the exit status.
const ON_PTY = `
import json, os, pty, sys, time
keys = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
shown = b''
def read():
    global shown
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    shown += data
    return bool(data)
while b'Password for' not in shown and read():
    pass
time.sleep(0.3)
os.write(fd, keys)
while read():
    pass
_, status = os.waitpid(pid, 0)
print(json.dumps({'shown': shown.decode('latin1'), 'code': os.waitstatus_to_exitcode(status)}))
`;

describe.skipIf(binSkipReason())('dl-get --user USER asks for the password on the terminal', () => {
  let srv: FaultServer;
  let dir: string;
  beforeAll(async () => {
    srv = await startFaultServer({ routes: { '/locked': { body: Buffer.from('behind basic auth\n'), auth: { basic: 'alice:s3cret' } } } });
    dir = await mkdtemp(join(tmpdir(), 'dlkit-password-'));
  });
  afterAll(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('without echoing it, with backspace editing the line', async () => {
    const out = join(dir, 'locked');
    const argv = ['node', DL_GET_BIN, '--progress', 'none', '-u', 'alice', '-o', out, `${srv.url}/locked`];
    const { stdout } = await promisify(execFile)('python3', ['-c', ON_PTY, 's3cX\x7fret\r', ...argv]);
    const { shown, code } = JSON.parse(stdout) as { shown: string; code: number };
    expect(shown).toContain('Password for alice: ');
    expect(shown).not.toContain('s3c');
    expect(code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('behind basic auth\n');
  });
});
