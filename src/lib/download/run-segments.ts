import type { HttpResponse } from '../http/http-request.js';
import { redactText } from '../redact/redact-text.js';
import { errorReason } from '../retry/classify-error.js';
import { retryAsync } from '../retry/retry-async.js';
import type { PipelineContext } from '../streams/pipeline-observable.js';
import type { ChunkWriter } from './chunk-writer.js';
import { consumeBody } from './consume-body.js';
import type { DownloadOptions } from './download-options.js';
import type { MirrorSet, Source } from './mirror-set.js';
import { requestRange } from './range-request.js';
import { retryEmitter } from './retry-events.js';
import { runConnections } from './run-connections.js';
import type { Segment, SegmentPlan } from './segment-plan.js';
import { checkRangeAnswer } from './source-check.js';

export interface SegmentsJob {
  opts: DownloadOptions;
  /** The writer for a segment's bytes from `position` on (it reports what landed). */
  writerAt: (position: number) => ChunkWriter;
  plan: SegmentPlan;
  sources: MirrorSet;
  /** The first segment, already being answered by the opening response. */
  first?: { seg: Segment; res: HttpResponse };
}

/**
 * Runs `segments` connections at once: each takes ranges from the plan
 * (stealing when none is left) until everything is fetched. A segment retries on its
 * own, keeping what it got. The first failure that outlasts its retries stops the others;
 * this resolves or rejects only once every connection has stopped writing.
 */
export function runSegments(job: SegmentsJob): Promise<void> {
  const n = Math.max(1, job.opts.segments);
  const workers = Array.from({ length: n }, (_, i) => (ctx: PipelineContext) => workerLoop(job, i, ctx));
  return runConnections(workers, job.opts.signal, job.opts.emit);
}

async function workerLoop(job: SegmentsJob, i: number, ctx: PipelineContext): Promise<void> {
  let first = i === 0 ? job.first : undefined;
  for (let seg = first?.seg ?? job.plan.take(); seg; seg = job.plan.take()) {
    const source = job.sources.pick(i);
    try {
      await fetchSegment(job, seg, source, ctx, first?.res);
      job.plan.release(seg);
    } catch (err) {
      if (source.primary || ctx.signal.aborted) throw err;
      job.sources.drop(source);
      job.plan.requeue(seg);
      ctx.emit({ type: 'warn', id: job.opts.id, code: 'DL_WARN_MIRROR_DROPPED', message: redactText(`dropping a mirror: ${errorReason(err)}`, job.opts.credentials?.secrets) });
    }
    first = undefined;
  }
}

async function fetchSegment(job: SegmentsJob, seg: Segment, source: Source, ctx: PipelineContext, opened?: HttpResponse): Promise<void> {
  const { opts } = job;
  let pending = opened;
  await retryAsync(
    async () => {
      if (seg.received >= seg.end) return;
      const res = pending ?? (await requestRange(opts, source.url, ctx.signal, seg.received, seg.end, job.sources.ifRange(source)));
      if (pending === undefined) await checkRangeAnswer(res, seg.received, () => job.sources.identityFor(source, res), source.url);
      pending = undefined;
      await consumeBody(res.body, seg, job.writerAt(seg.received), opts.limiter, ctx.signal);
    },
    opts.retry,
    { signal: ctx.signal, onRetry: retryEmitter(opts.id, ctx.emit, opts.credentials?.secrets, () => `bytes ${seg.received}-${seg.end - 1}`) },
  );
}
