import { EVENT_VERSION, type DlEvent, type EventInput } from './types.js';

/**
 * Turns what a stage emits into a full event line: version, time and tool come first, as
 * in every line of the schema, and always win over same-named extra fields of the input.
 */
export function stampEvent(tool: string, e: EventInput, now: () => Date = () => new Date()): DlEvent {
  const { type, id, ...rest } = e as EventInput & Record<string, unknown>;
  delete rest.v;
  delete rest.time;
  delete rest.tool;
  return { v: EVENT_VERSION, type, time: now().toISOString(), tool, id, ...rest } as DlEvent;
}
