import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** schema/events.v1.json, parsed; tests compare it with the TypeScript side. */
export const eventSchema = JSON.parse(
  readFileSync(new URL('../../schema/events.v1.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

let compiled: ValidateFunction | undefined;

/** The compiled validator for one event object (ajv 8, draft-07, strict). */
export function eventValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true }).compile(eventSchema);
  return compiled;
}

/**
 * Throws unless every non-empty line is a valid v1 event, naming the (1-based) line and
 * ajv's message. Takes NDJSON text or lines; returns the parsed events.
 */
export function assertValidEvents(input: string | readonly string[]): unknown[] {
  const lines = typeof input === 'string' ? input.split('\n') : input;
  const validate = eventValidator();
  const events: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (err) {
      throw new Error(`event line ${i + 1}: not JSON: ${(err as Error).message}: ${line}`);
    }
    if (!validate(event)) {
      // "must match then schema" only repeats the per-type error before it.
      const errors = validate.errors?.filter((e) => e.keyword !== 'if') ?? [];
      const why = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      throw new Error(`event line ${i + 1}: ${why}: ${line}`);
    }
    events.push(event);
  });
  return events;
}
