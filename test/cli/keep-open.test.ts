import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { keepOpen } from '../../src/cli/keep-open.js';

// A real child's stdin (a pipe with a slow reader) as the shared target. EPIPE through
// the wrapper is covered by the `| head -c 10` tests of every command.
function slowReader() {
  const child = spawn('bash', ['-c', 'sleep 0.3; wc -c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  return { child, counted: async () => (await once(child, 'exit'), out.trim()) };
}

describe('keepOpen', () => {
  it('ends once a backlog that needed drain is written, and leaves the target open', async () => {
    const { child, counted } = slowReader();
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 << 10, 7)); // 4 MiB > pipe buffer
    await pipeline(Readable.from(chunks), keepOpen(child.stdin));
    expect(child.stdin.writableEnded).toBe(false);
    child.stdin.write('tail');
    child.stdin.end();
    expect(await counted()).toBe(String((4 << 20) + 4));
  });

});
