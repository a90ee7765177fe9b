// The dlkit library: the stages the commands are built from, usable without the CLI.
export * from './lib/errors/dl-error.js';

export * from './lib/events/types.js';
export * from './lib/events/stamp-event.js';
export * from './lib/events/ndjson.js';
export * from './lib/events/throttle-progress.js';
export * from './lib/events/is-dl-event.js';

export * from './lib/streams/pipeline-observable.js';
export * from './lib/streams/rate-limit.js';
export * from './lib/streams/byte-meter.js';

export * from './lib/retry/retry-policy.js';
export * from './lib/retry/backoff-delay.js';
export * from './lib/retry/retry-after.js';
export * from './lib/retry/http-status-error.js';
export * from './lib/retry/classify-error.js';
export * from './lib/retry/retry-with-policy.js';
export * from './lib/retry/retry-async.js';
export * from './lib/retry/sleep.js';

export * from './lib/checkpoint/source-identity.js';
export * from './lib/checkpoint/checkpoint-store.js';
export * from './lib/checkpoint/byte-ranges.js';

export * from './lib/fs/atomic-write.js';
export * from './lib/fs/part-file.js';
export * from './lib/fs/fs-error.js';

export * from './lib/redact/redact-url.js';
export * from './lib/redact/redact-headers.js';
export * from './lib/redact/redact-text.js';
