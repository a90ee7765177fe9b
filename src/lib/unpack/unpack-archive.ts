import { DlError, ExitCode } from '../errors/dl-error.js';
import type { ArchiveWarning, EntryInfo, ExtractOptions, ExtractSummary } from '../archive/entry-info.js';
import { extractTar } from '../archive/extract-tar.js';
import { extractZip } from '../archive/extract-zip.js';
import { listTar } from '../archive/list-tar.js';
import { openZip } from '../archive/zip-entries.js';
import { decodeInput, type DecodeOptions, type Decoded } from './decode-input.js';
import { describeContent } from './describe-content.js';
import { spoolToFile } from './spool-to-file.js';

export interface ArchiveSource {
  input: AsyncIterable<Buffer>;
  /** The file the input is read from, when it is one (a zip is then read in place). */
  path?: string;
  /** Where a zip arriving on a pipe is spooled. */
  tmpDir: string;
}

type Target<T> = (zipPath: string) => Promise<T>;

function notArchiveError(d: Decoded): DlError {
  const what = d.compression ? `${d.compression}-compressed ${describeContent(d.head)}` : describeContent(d.head);
  return new DlError(`input is not a tar or zip archive (it looks like ${what})`, {
    code: 'DL_ERR_NOT_ARCHIVE',
    exitCode: ExitCode.INTEGRITY,
    hint: 'decompress it to stdout or a file (-o) instead of extracting it with -C or listing it with -l',
    details: { compression: d.compression },
  });
}

/**
 * Opens the (possibly compressed) archive and routes it: a tar streams straight through;
 * a zip is read from its file, or spooled first when it arrives on a pipe or compressed.
 */
async function route<T>(
  src: ArchiveSource,
  opts: DecodeOptions & { onWarn?: (w: ArchiveWarning) => void },
  tar: (s: AsyncIterable<Buffer>) => Promise<T>,
  zip: Target<T>,
): Promise<{ decoded: Decoded; result: T }> {
  const decoded = await decodeInput(src.input, { ...opts, allowArchive: true });
  if (decoded.inner === 'tar') return { decoded, result: await tar(decoded.output) };
  if (decoded.inner !== 'zip') throw notArchiveError(decoded);
  if (src.path !== undefined && decoded.compression === null) return { decoded, result: await zip(src.path) };
  opts.onWarn?.({ code: 'DL_WARN_ZIP_SPOOLED', message: `a zip is read from its end: spooling the input to a temporary file in ${src.tmpDir}`, name: '' });
  const spooled = await spoolToFile(decoded.output, src.tmpDir, opts.signal);
  try {
    return { decoded, result: await zip(spooled.path) };
  } finally {
    await spooled.remove();
  }
}

export function extractArchive(src: ArchiveSource, decode: DecodeOptions, opts: ExtractOptions) {
  return route<ExtractSummary>(
    src,
    { ...decode, onWarn: opts.onWarn },
    (s) => extractTar(s, opts),
    (p) => extractZip(p, opts),
  );
}

export function listArchive(src: ArchiveSource, decode: DecodeOptions, onEntry: (e: EntryInfo) => void, onWarn?: (w: ArchiveWarning) => void) {
  return route<number>(
    src,
    { ...decode, onWarn },
    async (s) => {
      let n = 0;
      for await (const e of listTar(s)) (onEntry(e), n++);
      return n;
    },
    async (p) => {
      const zip = await openZip(p);
      zip.close();
      zip.entries.forEach((e) => onEntry(e.info));
      return zip.entries.length;
    },
  );
}
