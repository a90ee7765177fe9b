import type { EventBase, EventOf, EventType } from './types.js';

/**
 * The per-type fields of the v1 events, as data: parsers check lines against it and the
 * tests check it against schema/events.v1.json. The mapped types below make the compiler
 * check it against the interfaces in types.ts: every named field, its optionality, its kind.
 */
export type FieldKind =
  /** A byte count, attempt number or exit code: an integer >= 0. */
  | 'count'
  /** A count, or null when unknown (a total before Content-Length is known). */
  | 'count-or-null'
  /** A rate or duration: a number >= 0, fractions allowed. */
  | 'amount'
  | 'string'
  | 'boolean';

type KindsFor<V> = [V] extends [string]
  ? 'string'
  : [V] extends [boolean]
    ? 'boolean'
    : [V] extends [number]
      ? 'count' | 'amount'
      : null extends V
        ? 'count-or-null'
        : never;

/** The named keys of E, without its index signature. */
type NamedKeys<E> = keyof { [K in keyof E as string extends K ? never : number extends K ? never : K]: E[K] };

type FieldSpecs<E> = {
  [K in Exclude<NamedKeys<E>, keyof EventBase>]-?: {} extends Pick<E, K>
    ? { kind: KindsFor<Exclude<E[K], undefined>>; optional: true }
    : { kind: KindsFor<E[K]>; optional?: false };
};

export interface FieldSpec {
  kind: FieldKind;
  optional?: boolean;
}

export const EVENT_FIELDS: { [T in EventType]: FieldSpecs<EventOf<T>> } = {
  start: { name: { kind: 'string', optional: true }, total: { kind: 'count-or-null' } },
  progress: {
    bytes: { kind: 'count' },
    total: { kind: 'count-or-null' },
    rate: { kind: 'amount', optional: true },
  },
  retry: { attempt: { kind: 'count' }, delayMs: { kind: 'amount' }, reason: { kind: 'string' } },
  warn: { code: { kind: 'string' }, message: { kind: 'string' } },
  entry: { name: { kind: 'string' } },
  verify: {
    algorithm: { kind: 'string' },
    actual: { kind: 'string' },
    expected: { kind: 'string', optional: true },
    ok: { kind: 'boolean' },
  },
  end: { bytes: { kind: 'count' }, durationMs: { kind: 'amount' } },
  error: {
    code: { kind: 'string' },
    message: { kind: 'string' },
    exitCode: { kind: 'count' },
    hint: { kind: 'string', optional: true },
  },
};

/** ISO 8601 UTC as Date#toISOString writes it (milliseconds optional for other producers). */
export const TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';

/** The fields of one type as plain entries, for code that walks the table. */
export const fieldsOf = (type: EventType): [string, FieldSpec][] => Object.entries(EVENT_FIELDS[type]);
