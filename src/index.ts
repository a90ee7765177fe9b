// The dlkit library: the stages the commands are built from, usable without the CLI.
export * from './lib/errors/dl-error.js';
export * from './lib/events/types.js';
