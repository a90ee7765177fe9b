import { once } from 'node:events';
import { Parser, type ReadEntry } from 'tar';
import { corruptTar } from './corrupt-tar.js';
import type { EntryInfo } from './entry-info.js';
import { tarEntryInfo } from './tar-entry-info.js';

/** Lists a tar stream's members in order, reading past their data. */
export async function* listTar(source: AsyncIterable<Buffer>): AsyncGenerator<EntryInfo> {
  const parser = new Parser({ strict: true });
  const found: EntryInfo[] = [];
  let failed: Error | undefined;
  parser.on('entry', (e: ReadEntry) => {
    found.push(tarEntryInfo(e));
    e.resume();
  });
  parser.on('error', (e: Error) => (failed ??= e));
  const closed = once(parser, 'end').catch(() => undefined);
  for await (const chunk of source) {
    if (!parser.write(chunk)) await Promise.race([once(parser, 'drain'), closed]);
    yield* found.splice(0);
    if (failed) break;
  }
  if (!failed) {
    parser.end();
    await closed;
  }
  yield* found.splice(0);
  if (failed) throw corruptTar(failed.message, failed);
}
