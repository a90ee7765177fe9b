/**
 * The one event schema (v1) every command emits, one JSON object per line. Documented in
 * dlkit(7) and schema/events.v1.json; consumers ignore unknown types and fields.
 */
export const EVENT_VERSION = 1 as const;

/** The v1 types, in the order a run usually emits them; runtime list for parsers. */
export const EVENT_TYPES = ['start', 'progress', 'retry', 'warn', 'entry', 'verify', 'end', 'error'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventBase {
  v: typeof EVENT_VERSION;
  type: EventType;
  /** ISO 8601 UTC timestamp. */
  time: string;
  /** Command name, e.g. "dl-hash". */
  tool: string;
  /** The item this event is about (a file name, URL (redacted), device or job id). */
  id: string;
}

export interface StartEvent extends EventBase {
  type: 'start';
  /** Human label for the item; defaults to id. */
  name?: string;
  /** Total bytes when known, else null. */
  total: number | null;
  [extra: string]: unknown;
}

export interface ProgressEvent extends EventBase {
  type: 'progress';
  bytes: number;
  total: number | null;
  /** Bytes per second, smoothed. */
  rate?: number;
  [extra: string]: unknown;
}

export interface RetryEvent extends EventBase {
  type: 'retry';
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface WarnEvent extends EventBase {
  type: 'warn';
  code: string;
  message: string;
}

export interface EntryEvent extends EventBase {
  type: 'entry';
  name: string;
  [extra: string]: unknown;
}

export interface VerifyEvent extends EventBase {
  type: 'verify';
  algorithm: string;
  actual: string;
  expected?: string;
  ok: boolean;
}

export interface EndEvent extends EventBase {
  type: 'end';
  bytes: number;
  durationMs: number;
  [extra: string]: unknown;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  code: string;
  message: string;
  exitCode: number;
  hint?: string;
}

export type DlEvent =
  | StartEvent
  | ProgressEvent
  | RetryEvent
  | WarnEvent
  | EntryEvent
  | VerifyEvent
  | EndEvent
  | ErrorEvent;

/** The event interface of one type, e.g. EventOf<'progress'> is ProgressEvent. */
export type EventOf<T extends EventType> = Extract<DlEvent, { type: T }>;

/** Fields the emitter stamps; a stage never supplies them. */
export type StampedField = 'v' | 'time' | 'tool';

/**
 * Omit that keeps the named fields of interfaces with an index signature: the built-in
 * Omit goes through `keyof`, which is just `string` there, and would drop them all.
 */
type OmitStamped<E> = { [K in keyof E as K extends StampedField ? never : K]: E[K] };

/** Fields a stage supplies; `v`, `time` and `tool` are stamped by the emitter. */
export type EventInput = DlEvent extends infer E ? (E extends DlEvent ? OmitStamped<E> : never) : never;
