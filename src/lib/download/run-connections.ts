import { lastValueFrom, merge, tap } from 'rxjs';
import type { EventInput } from '../events/types.js';
import { pipelineObservable, type PipelineContext } from '../streams/pipeline-observable.js';
import { linkedSignal } from './linked-signal.js';

/**
 * Runs one download's connections (and any task working beside them) at once, each a
 * pipeline boundary whose events go to `emit`. The first failure that gets out stops the
 * others; this resolves or rejects only once every task has stopped writing.
 */
export async function runConnections(
  tasks: readonly ((ctx: PipelineContext) => Promise<void>)[],
  signal: AbortSignal,
  emit: (e: EventInput) => void,
): Promise<void> {
  const running = new Set<Promise<void>>();
  const linked = linkedSignal(signal);
  const boundary = (task: (ctx: PipelineContext) => Promise<void>) =>
    pipelineObservable((ctx) => {
      const p = task(ctx);
      running.add(p);
      return p;
    }, linked.signal);
  try {
    await lastValueFrom(merge(...tasks.map(boundary)).pipe(tap((o) => o.kind === 'event' && emit(o.event))), { defaultValue: undefined });
  } finally {
    await Promise.allSettled(running);
    linked.dispose();
  }
}
