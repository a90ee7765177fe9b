import { ExitCode } from '../lib/errors/dl-error.js';

export interface ExitCodeRow {
  code: ExitCode;
  name: string;
  meaning: string;
}

/**
 * The exit-code table as data: error mapping uses the codes, and dlkit(7) prints the
 * same rows (test/man checks that the page's table matches this one).
 */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  { code: ExitCode.OK, name: 'OK', meaning: 'success; also when a reader closed stdout early (EPIPE)' },
  { code: ExitCode.OTHER, name: 'OTHER', meaning: 'any other failure' },
  { code: ExitCode.USAGE, name: 'USAGE', meaning: 'bad option, argument, environment value or config file' },
  { code: ExitCode.INTEGRITY, name: 'INTEGRITY', meaning: 'checksum mismatch or corrupt input' },
  { code: ExitCode.NO_INPUT, name: 'NO_INPUT', meaning: 'an input file does not exist or cannot be read' },
  { code: ExitCode.UNAVAILABLE, name: 'UNAVAILABLE', meaning: 'the remote refused the request or does not have it' },
  { code: ExitCode.CANT_CREATE, name: 'CANT_CREATE', meaning: 'cannot create an output file' },
  { code: ExitCode.IO, name: 'IO', meaning: 'read or write error, disk full' },
  { code: ExitCode.TEMP_FAIL, name: 'TEMP_FAIL', meaning: 'a transient failure outlasted the retries; rerun to resume' },
  { code: ExitCode.REFUSED, name: 'REFUSED', meaning: 'refused for safety, or permission denied' },
  { code: ExitCode.INTERRUPTED, name: 'INTERRUPTED', meaning: 'interrupted by SIGINT or SIGTERM; checkpoint kept' },
];
