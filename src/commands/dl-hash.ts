import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Argv } from 'yargs';
import { withExpect, type CommonArgs, type ExpectArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { formatErrorLine } from '../cli/format-error-line.js';
import { ExitCode, isDlError, usageError } from '../lib/errors/dl-error.js';
import type { EventInput } from '../lib/events/types.js';
import { ALGORITHMS, parseAlgorithmList, type Algorithm, type Digests } from '../lib/hash/algorithms.js';
import { addToTally, checkPassed, checkRecord, checkWarnings, emptyTally, formatCheckLine, malformedWarning, quoteName } from '../lib/hash/check-report.js';
import { createDigester, hashReadable, POOL_MIN_BYTES, regularFileSize, workerThreads } from '../lib/hash/check-digester.js';
import { checkSums, type CheckOutcome, type DigestFn } from '../lib/hash/check-sums.js';
import { fileError, hashFile, type FileHash } from '../lib/hash/hash-file.js';
import { hashFiles, type HashOutcome } from '../lib/hash/hash-files.js';
import { createHashStream } from '../lib/hash/hash-stream.js';
import { parseExpect, type ExpectedDigest as Expected } from '../lib/hash/parse-expect.js';
import { checkAgainstSidecar } from '../lib/hash/sidecar.js';
import { formatSumsLine } from '../lib/hash/sums-format.js';
import { verifyDigests } from '../lib/hash/verify-digests.js';
import { byteMeter } from '../lib/streams/byte-meter.js';

/**
 * dl-hash: sha256sum, b3sum and friends (same lines, same -c) with several algorithms in
 * one read and files hashed in parallel but printed in argument order; --auto-check
 * against a published sidecar; -p, a pass-through filter hashing a pipeline's bytes.
 */

interface HashArgs extends ExpectArgs {
  algorithm: string[];
  tag: boolean;
  zero: boolean;
  check: boolean;
  'ignore-missing': boolean;
  status: boolean;
  strict: boolean;
  warn: boolean;
  'auto-check': boolean;
  pass: boolean;
}
type Args = CommandArgs<HashArgs>;
type Ctx = CommandContext & { out: Output; args: Args };
type Checked = Exclude<CheckOutcome, { kind: 'malformed' | 'missing' }>;

const TOOL = 'dl-hash';
const TRY_HELP = `try '${TOOL} --help'`;
const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : ([] as string[]).concat(v));

const builder = (y: Argv<CommonArgs>): Argv<HashArgs> =>
  withExpect(y)
    // File names are names: yargs would read `0x10` and `1e3` as 16 and 1000.
    .parserConfiguration({ 'parse-positional-numbers': false })
    // Not `array: true`, which would swallow the FILEs after -a into the list.
    .option('algorithm', { alias: 'a', type: 'string', requiresArg: true, default: [] as string[], defaultDescription: 'sha256', coerce: asList, describe: `digest algorithm, repeatable or comma-separated: ${ALGORITHMS.join(', ')}` })
    .option('tag', { type: 'boolean', default: false, describe: "BSD-style lines 'SHA256 (FILE) = HEX' (implied by several -a)" })
    .option('zero', { alias: 'z', type: 'boolean', default: false, describe: 'end output lines with NUL, not newline; names are not escaped' })
    .option('check', { alias: 'c', type: 'boolean', default: false, describe: 'read checksums from the SUMS files and check them' })
    .option('ignore-missing', { type: 'boolean', default: false, describe: 'with -c: skip listed files that do not exist' })
    .option('status', { type: 'boolean', default: false, describe: 'with -c: print nothing, the exit status tells' })
    .option('strict', { type: 'boolean', default: false, describe: 'with -c: fail on improperly formatted lines' })
    .option('warn', { alias: 'w', type: 'boolean', default: false, describe: 'with -c: warn about each improperly formatted line' })
    .option('auto-check', { type: 'boolean', default: false, describe: 'check each FILE against the checksum file published beside it' })
    .option('pass', { alias: 'p', type: 'boolean', default: false, describe: 'copy stdin to stdout unchanged; the digest goes to stderr' }) as unknown as Argv<HashArgs>;

export const { run, main } = defineCommand<HashArgs>({
  name: TOOL,
  summary: 'Hash and verify files or a stream: like sha256sum and b3sum, or as a pass-through filter.',
  usage: '$0 [options] [FILE...]\n$0 -c [options] [SUMS...]\n$0 -p [--expect ALGO:HEX] < IN > OUT',
  examples: [
    ['$0 -a sha256 -a blake3 image.iso', 'two digests, one read'],
    ['$0 *.tar > SHA256SUMS && $0 -c SHA256SUMS', 'write and check a SUMS file'],
    ['dl-get $URL | $0 -p --expect sha256:HEX | dl-unpack', 'verify bytes on their way'],
  ],
  stdoutIsData: true,
  builder,
  handler: (args, context) => {
    const inputs = args._.length > 0 ? args._.map(String) : ['-'];
    validate(args, args._.map(String));
    const ctx: Ctx = { ...context, args, out: output(args, context) };
    if (args.check) return checkAll(inputs, ctx);
    if (args.autoCheck) return autoCheck(inputs, ctx);
    const expected = args.expect === undefined ? undefined : parseExpect(args.expect);
    const algorithms = parseAlgorithmList(args.algorithm.length > 0 ? args.algorithm : [expected?.algorithm ?? 'sha256']);
    if (expected && !algorithms.includes(expected.algorithm)) algorithms.push(expected.algorithm);
    return args.pass ? passThrough(algorithms, expected, ctx) : hashAll(inputs, algorithms, expected, ctx);
  },
});

// Pairs that make no sense together; the first found is reported.
const CONFLICTS: [keyof HashArgs, keyof HashArgs][] = [
  ['check', 'pass'], ['check', 'auto-check'], ['pass', 'auto-check'], ['check', 'expect'],
  ['auto-check', 'expect'], ['check', 'tag'], ['check', 'zero'],
];

function validate(args: Args, files: string[]): void {
  const given = (k: keyof HashArgs): boolean => args[k] !== undefined && args[k] !== false;
  const checkOnly = (['ignore-missing', 'status', 'strict', 'warn'] as const).find(given);
  if (checkOnly && !args.check) throw usageError(`--${checkOnly} is meaningful only with --check`, TRY_HELP);
  const clash = CONFLICTS.find(([a, b]) => given(a) && given(b));
  if (clash) throw usageError(`--${clash[0]} and --${clash[1]} do not go together`, TRY_HELP);
  if (given('expect') && files.length > 1) throw usageError('--expect checks one input, got several', 'give one FILE, or use -c with a SUMS file');
  if (args.pass && files.some((f) => f !== '-')) throw usageError('--pass reads stdin only', `use '${TOOL} -p < FILE'`);
  if (args.autoCheck && (files.length === 0 || files.includes('-'))) throw usageError('--auto-check needs FILE arguments', 'name the downloaded files');
}

/** Where the kinds of output go: results to stdout, `dl-hash: …` lines to stderr, events. */
interface Output {
  /** Results; rejects with the write error (EPIPE: the edge ends quietly). */
  result(text: string): Promise<void>;
  /** A diagnostic line, and its event when events are on. */
  diag(message: string, event?: EventInput, hint?: string): void;
  /** Raw text on stderr (the digest of -p). */
  stderr(text: string): void;
  /** A failed run's status, with its error event last when events are on. */
  fail(exitCode: number, code: `DL_ERR_${string}`, message: string): number;
  /** A result could not be written: the reader went away, stop without reporting. */
  readonly broken: boolean;
}

function output(args: Args, { io, progress }: CommandContext): Output {
  const events = args.progress === 'json';
  // Text between JSON lines would break their readers; the other renderers draw warn and
  // error events themselves, so those go out only as JSON.
  const textOk = !(events && (args.progressFd ?? 2) === 2);
  const stderr = (text: string): void => void (textOk && io.stderr.write(text));
  let broken = false;
  const write = (text: string): Promise<void> =>
    new Promise((ok, fail) => io.stdout.write(text, (e) => (e ? ((broken = true), fail(e)) : ok())));
  return {
    get broken() {
      return broken;
    },
    result: (text) => (text === '' ? Promise.resolve() : write(text)),
    diag: (message, event, hint) => {
      if (events && event) progress.emit(event);
      stderr(formatErrorLine(TOOL, message, hint));
    },
    stderr,
    fail: (exitCode, code, message) => {
      if (events) progress.emit({ type: 'error', id: TOOL, code, message, exitCode });
      return exitCode;
    },
  };
}

const sumsLines = (name: string, algorithms: Algorithm[], r: FileHash, args: Args): string =>
  algorithms
    .map((algorithm) => ({ name, algorithm, digest: r.digests[algorithm] ?? '' }))
    .map((rec) => (args.json ? `${JSON.stringify({ ...rec, bytes: r.bytes })}\n` : formatSumsLine(rec, { tag: args.tag || algorithms.length > 1, zero: args.zero })))
    .join('');

async function hashAll(names: string[], algorithms: Algorithm[], expected: Expected | undefined, ctx: Ctx): Promise<number> {
  let unreadable = 0;
  for await (const r of hashInputs(names, algorithms, ctx)) {
    if ('error' in r) {
      unreadable++;
      const message = `${quoteName(r.name)}: ${reasonOf(r.error, r.path)}`;
      ctx.out.diag(message, { type: 'warn', id: r.name, code: 'DL_WARN_UNREADABLE', message });
      continue;
    }
    await ctx.out.result(sumsLines(r.name, algorithms, r, ctx.args));
    if (expected) verifyExpected(r.name, r.name, r.digests, expected, ctx);
  }
  if (unreadable === 0) return ExitCode.OK;
  return ctx.out.fail(ExitCode.OTHER, 'DL_ERR_UNREADABLE', `${unreadable} of ${names.length} inputs could not be read`);
}

type Hashed = ({ name: string } & FileHash) | { name: string; path: string; error: unknown };

/** Each input's digests in argument order, with start/progress/end events; '-' is stdin. */
async function* hashInputs(names: string[], algorithms: Algorithm[], ctx: Ctx): AsyncGenerator<Hashed> {
  const { io, signal, progress } = ctx;
  const paths = names.map((n) => (n === '-' ? n : resolve(io.cwd, n)));
  const sizes = await Promise.all(paths.map(regularFileSize));
  const files = paths.filter((p) => p !== '-');
  const big = sizes.reduce((a: number, b) => a + (b ?? 0), 0) >= POOL_MIN_BYTES;
  // Several files go through hashFiles (worker pool); a lone one is read here, with live progress.
  const pooled = files.length > 1 ? hashFiles(files, algorithms, { signal, concurrency: big ? workerThreads() : 1 }) : undefined;
  try {
    for (const [i, name] of names.entries()) {
      const [path, total] = [paths[i] ?? name, sizes[i] ?? null];
      const began = Date.now();
      progress.emit({ type: 'start', id: name, total });
      const onProgress = (bytes: number): void => progress.emit({ type: 'progress', id: name, bytes, total });
      try {
        const r =
          path === '-' ? await hashReadable(io.stdin, algorithms, signal, onProgress)
          : pooled ? await nextPooled(pooled)
          : await hashFile(path, algorithms, { signal, onProgress });
        if (pooled) onProgress(r.bytes);
        progress.emit({ type: 'end', id: name, bytes: r.bytes, durationMs: Date.now() - began, digests: r.digests });
        yield { ...r, name };
      } catch (error) {
        if (signal.aborted) throw error;
        yield { name, path, error: fileError(path, error) };
      }
    }
  } finally {
    await pooled?.return(undefined);
  }
}

async function nextPooled(results: AsyncGenerator<HashOutcome>): Promise<FileHash> {
  const { value } = await results.next();
  if (value === undefined) throw new Error('the hash pool ended early');
  if (!value.ok) throw value.error;
  return value;
}

/** "/abs/x: No such file or directory" → "No such file or directory"; the caller names x. */
function reasonOf(error: unknown, ...names: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = names.map((n) => `${n}: `).find((p) => message.startsWith(p));
  return prefix === undefined ? message : message.slice(prefix.length);
}

/** The verify event, then DL_ERR_INTEGRITY (65) naming expected and actual on a mismatch. */
function verifyExpected(id: string, label: string, digests: Digests, expected: Expected, ctx: Ctx): void {
  const { algorithm, digest } = expected;
  const actual = digests[algorithm] ?? '';
  ctx.progress.emit({ type: 'verify', id, algorithm, actual, expected: digest, ok: actual === digest });
  verifyDigests(digests, { [algorithm]: digest }, label);
}

/**
 * -p: stdin → hash → stdout with backpressure; the digest to stderr. With --expect the
 * stage holds back the last chunk until the digest matches, so on a mismatch (exit 65)
 * the next stage gets a truncated stream, never a complete-looking bad one.
 */
async function passThrough(algorithms: Algorithm[], expected: Expected | undefined, ctx: Ctx): Promise<number> {
  const { io, signal, progress, args } = ctx;
  const stage = await createHashStream(algorithms, { expect: expected && { [expected.algorithm]: expected.digest } });
  const began = Date.now();
  progress.emit({ type: 'start', id: '-', total: null });
  const meter = byteMeter((bytes) => progress.emit({ type: 'progress', id: '-', bytes, total: null }));
  try {
    await pipeline(io.stdin, meter, stage, io.stdout, { signal });
  } catch (error) {
    // A mismatch is reported below, with the digest line and the verify event.
    if (!isDlError(error) || error.code !== 'DL_ERR_INTEGRITY') throw error;
  }
  const result = { path: '-', bytes: stage.hasher.bytes, digests: stage.hasher.digest() };
  progress.emit({ type: 'end', id: '-', bytes: result.bytes, durationMs: Date.now() - began, digests: result.digests });
  if (!args.quiet) ctx.out.stderr(sumsLines('-', algorithms, result, args));
  if (expected) verifyExpected('-', 'stdin', result.digests, expected, ctx);
  return ExitCode.OK;
}

/** An integrity failure outranks the rest; otherwise the higher status wins. */
const worse = (a: number, b: number): number => (a === ExitCode.INTEGRITY || b === ExitCode.INTEGRITY ? ExitCode.INTEGRITY : Math.max(a, b));
const failCode = (status: number): `DL_ERR_${string}` => (status === ExitCode.INTEGRITY ? 'DL_ERR_INTEGRITY' : 'DL_ERR_UNVERIFIED');

async function checkAll(sumsFiles: string[], ctx: Ctx): Promise<number> {
  const algorithms = ctx.args.algorithm.length > 0 ? parseAlgorithmList(ctx.args.algorithm) : undefined;
  const { digest, close } = createDigester({ cwd: ctx.io.cwd, stdin: () => ctx.io.stdin, signal: ctx.signal });
  let status = 0;
  try {
    for (const sums of sumsFiles) status = worse(status, await checkOne(sums, digest, algorithms, ctx));
  } finally {
    await close();
  }
  return status === 0 ? 0 : ctx.out.fail(status, failCode(status), 'checksum verification failed');
}

async function checkOne(sums: string, digest: DigestFn, algorithms: Algorithm[] | undefined, ctx: Ctx): Promise<number> {
  const { args, io } = ctx;
  const label = quoteName(sums === '-' ? 'standard input' : sums);
  const path = resolve(io.cwd, sums);
  const tally = emptyTally();
  try {
    const source = sums === '-' ? io.stdin : (await open(path)).createReadStream();
    const opts = { digest, algorithms, concurrency: 2 * workerThreads(), ignoreMissing: args.ignoreMissing, sumsIsStdin: sums === '-' };
    for await (const outcome of checkSums(source, opts)) {
      addToTally(tally, outcome);
      await reportOutcome(outcome, label, ctx);
    }
  } catch (error) {
    if (ctx.signal.aborted || ctx.out.broken) throw error;
    const e = fileError(path, error);
    ctx.out.diag(`${label}: ${reasonOf(e, path)}`);
    return e.exitCode;
  }
  for (const w of checkWarnings(tally, label, { ignoreMissing: args.ignoreMissing, status: args.status })) ctx.out.diag(w);
  return checkPassed(tally, { strict: args.strict }) ? 0 : ExitCode.INTEGRITY;
}

async function reportOutcome(outcome: CheckOutcome, label: string, ctx: Ctx): Promise<void> {
  const { args, out } = ctx;
  if (outcome.kind === 'malformed') {
    const message = malformedWarning(label, outcome.line);
    if (args.warn) out.diag(message, { type: 'warn', id: label, code: 'DL_WARN_MALFORMED_LINE', message });
  } else if (outcome.kind !== 'missing') {
    await reportChecked(outcome, ctx);
  }
}

async function reportChecked(outcome: Checked, { args, out, progress, io }: Ctx): Promise<void> {
  const { name, algorithm, digest: expected } = outcome.entry;
  if (outcome.kind === 'unreadable') {
    const message = `${quoteName(name)}: ${reasonOf(outcome.error, resolve(io.cwd, name))}`;
    out.diag(message, { type: 'warn', id: name, code: 'DL_WARN_UNREADABLE', message });
  } else {
    progress.emit({ type: 'verify', id: name, algorithm, actual: outcome.actual, expected, ok: outcome.kind === 'ok' });
  }
  if (!args.status) await out.result(args.json ? `${JSON.stringify(checkRecord(outcome))}\n` : formatCheckLine(outcome, { quiet: args.quiet }));
}

/** --auto-check: each FILE against its sidecar, reported like -c; the worst status of all. */
async function autoCheck(names: string[], ctx: Ctx): Promise<number> {
  const { digest, close } = createDigester({ cwd: ctx.io.cwd, stdin: () => ctx.io.stdin, signal: ctx.signal });
  let status = 0;
  try {
    for (const name of names) {
      try {
        const { source, outcome } = await checkAgainstSidecar(name, digest, ctx.io.cwd);
        if (ctx.args.verbose) ctx.out.diag(`${quoteName(name)}: checked against ${quoteName(source)}`);
        await reportChecked(outcome, ctx);
        if (outcome.kind === 'failed') status = worse(status, ExitCode.INTEGRITY);
        if (outcome.kind === 'unreadable') status = worse(status, fileError(name, outcome.error).exitCode);
      } catch (error) {
        if (ctx.signal.aborted || ctx.out.broken || !isDlError(error)) throw error;
        const message = `${quoteName(name)}: ${reasonOf(error, name)}`;
        ctx.out.diag(message, { type: 'warn', id: name, code: 'DL_WARN_NO_SIDECAR', message }, error.hint);
        status = worse(status, error.exitCode);
      }
    }
  } finally {
    await close();
  }
  return status === 0 ? 0 : ctx.out.fail(status, failCode(status), 'automatic check failed');
}
