import { Observable } from 'rxjs';
import { abortedError, isDlError } from '../errors/dl-error.js';
import type { EventInput } from '../events/types.js';

/** What the boundary emits: the pipeline's events as they come, then its one result. */
export type StageOutput<T> = { kind: 'event'; event: EventInput } | { kind: 'result'; value: T };

export interface PipelineContext {
  /** Pass to stream.pipeline: aborted on unsubscribe or when the outer signal aborts. */
  signal: AbortSignal;
  emit: (e: EventInput) => void;
}

/**
 * The one boundary between bytes and RxJS. Subscribing runs `run` (which moves bytes
 * with stream.pipeline and `ctx.signal`), emits its events, then its result, then
 * completes; a rejection becomes the error. Unsubscribing aborts the signal, so the
 * pipeline destroys its streams and closes its files. Chunks never enter RxJS: that is
 * what keeps memory bounded whatever the consumer's speed.
 *
 * `outer` (e.g. io.signal) aborts the run too; the error is then the `interrupted`
 * DlError (exit 130) rather than whichever AbortError the pipeline happened to throw.
 */
export function pipelineObservable<T>(
  run: (ctx: PipelineContext) => Promise<T>,
  outer?: AbortSignal,
): Observable<StageOutput<T>> {
  return new Observable<StageOutput<T>>((subscriber) => {
    const controller = new AbortController();
    const abort = (): void => controller.abort(abortedError());
    if (outer?.aborted) abort();
    outer?.addEventListener('abort', abort, { once: true });
    const ctx: PipelineContext = {
      signal: controller.signal,
      emit: (event) => subscriber.next({ kind: 'event', event }),
    };
    let settled = false;
    new Promise<T>((resolve) => resolve(run(ctx)))
      .finally(() => (settled = true))
      .then(
        (value) => {
          subscriber.next({ kind: 'result', value });
          subscriber.complete();
        },
        (err: unknown) => subscriber.error(outer?.aborted && !isDlError(err) ? abortedError() : err),
      );
    return () => {
      outer?.removeEventListener('abort', abort);
      // Only a run still going needs stopping; aborting a finished one would fire
      // listeners its resources may have left on the signal.
      if (!settled) abort();
    };
  });
}
