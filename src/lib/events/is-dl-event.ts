import { TIME_PATTERN, fieldsOf, type FieldKind } from './event-fields.js';
import { EVENT_TYPES, EVENT_VERSION, type DlEvent, type EventType } from './types.js';

const timeRe = new RegExp(TIME_PATTERN);

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

const kindChecks: Record<FieldKind, (v: unknown) => boolean> = {
  count: isCount,
  'count-or-null': (v) => v === null || isCount(v),
  amount: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
};

const isEventType = (t: unknown): t is EventType => (EVENT_TYPES as readonly unknown[]).includes(t);

/**
 * True when x is a v1 event of a known type with every required field of the right kind,
 * the same rules as schema/events.v1.json. Extra fields are allowed.
 */
export function isDlEvent(x: unknown): x is DlEvent {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  if (o.v !== EVENT_VERSION || !isEventType(o.type)) return false;
  if (typeof o.time !== 'string' || !timeRe.test(o.time)) return false;
  if (typeof o.tool !== 'string' || typeof o.id !== 'string') return false;
  return fieldsOf(o.type).every(
    ([name, spec]) => (spec.optional === true && o[name] === undefined) || kindChecks[spec.kind](o[name]),
  );
}
