import { describe, expect, it, test } from 'vitest';
import { EVENT_FIELDS, TIME_PATTERN, type FieldKind } from '../../../src/lib/events/event-fields.js';
import { isDlEvent } from '../../../src/lib/events/is-dl-event.js';
import { EVENT_TYPES, type EventType } from '../../../src/lib/events/types.js';
import { assertValidEvents, eventSchema } from '../../helpers/validate-events.js';
import { sampleList, samples } from './samples.js';

type Json = Record<string, any>;
const definitions = eventSchema.definitions as Json;
const props = eventSchema.properties as Json;

const kindSchemas: Record<FieldKind, Json> = {
  count: { type: 'integer', minimum: 0 },
  'count-or-null': { type: ['integer', 'null'], minimum: 0 },
  amount: { type: 'number', minimum: 0 },
  string: { type: 'string' },
  boolean: { type: 'boolean' },
};

describe('assertValidEvents', () => {
  it('accepts one sample of each type, as text and as lines, with extra fields', () => {
    const text = sampleList.map((e) => JSON.stringify({ ...e, future: { x: 1 } })).join('\n') + '\n';
    expect(assertValidEvents(text)).toHaveLength(EVENT_TYPES.length);
    expect(assertValidEvents(text.split('\n'))).toHaveLength(EVENT_TYPES.length);
  });

  test.each([
    ['missing a base field', { ...samples.end, tool: undefined }, /required property 'tool'/],
    ['another version', { ...samples.end, v: 2 }, /\/v must be equal to constant/],
    ['an unknown type', { ...samples.end, type: 'finish' }, /\/type must be equal to one of the allowed values/],
    ['a local time', { ...samples.end, time: '2026-01-02 03:04:05' }, /\/time must match pattern/],
    ['a per-type field missing', { ...samples.progress, bytes: undefined }, /required property 'bytes'/],
    ['bytes as a string', { ...samples.progress, bytes: '12' }, /\/bytes must be integer/],
    ['a negative count', { ...samples.end, bytes: -1 }, /\/bytes must be >= 0/],
    ['a fractional count', { ...samples.end, bytes: 1.5 }, /\/bytes must be integer/],
    ['ok not boolean', { ...samples.verify, ok: 'yes' }, /\/ok must be boolean/],
  ])('rejects %s, naming the line', (_why, bad, message) => {
    const lines = [JSON.stringify(samples.start), JSON.stringify(bad)];
    expect(() => assertValidEvents(lines)).toThrow(/^event line 2: /);
    expect(() => assertValidEvents(lines)).toThrow(message);
  });

  it('names a line that is not JSON', () => {
    expect(() => assertValidEvents(`${JSON.stringify(samples.start)}\n{oops\n`)).toThrow(/^event line 2: not JSON/);
  });
});

describe('schema, types.ts and EVENT_FIELDS agree', () => {
  it('lists the same types and the same base pattern', () => {
    expect(props.type.enum).toEqual([...EVENT_TYPES]);
    expect(Object.keys(definitions).sort()).toEqual([...EVENT_TYPES].sort());
    expect(props.time.pattern).toBe(TIME_PATTERN);
  });

  test.each(EVENT_TYPES.map((t) => [t]))('%s: same fields, optionality and kinds', (type: EventType) => {
    const def = definitions[type] as Json;
    const fields = Object.entries(EVENT_FIELDS[type]) as [string, { kind: FieldKind; optional?: boolean }][];
    expect(Object.keys(def.properties).sort()).toEqual(fields.map(([n]) => n).sort());
    expect([...def.required].sort()).toEqual(fields.filter(([, s]) => s.optional !== true).map(([n]) => n).sort());
    for (const [name, spec] of fields) {
      const { description: _d, ...shape } = def.properties[name] as Json;
      expect(shape, `${type}.${name}`).toEqual(kindSchemas[spec.kind]);
    }
  });

  // Each typed sample, and each with one field removed or of the wrong kind: the schema
  // (ajv) and isDlEvent (what parseEventLine uses) must give the same verdict.
  const variants = sampleList.flatMap((e) =>
    Object.keys(e).flatMap((k) => [
      [`${e.type} without ${k}`, { ...e, [k]: undefined }],
      [`${e.type} with ${k} = "1"`, { ...e, [k]: '1' }],
      [`${e.type} with ${k} = -1`, { ...e, [k]: -1 }],
      [`${e.type} with ${k} = null`, { ...e, [k]: null }],
    ]),
  );
  test.each([...sampleList.map((e) => [`${e.type} sample`, e]), ...variants])('%s', (_name, event) => {
    const line = JSON.stringify(event);
    const ajvOk = (() => {
      try {
        assertValidEvents([line]);
        return true;
      } catch {
        return false;
      }
    })();
    expect(isDlEvent(JSON.parse(line))).toBe(ajvOk);
  });
});
