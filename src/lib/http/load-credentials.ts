import { readFile } from 'node:fs/promises';
import { fsError } from '../fs/fs-error.js';
import { parseCookieFile } from './cookie-file.js';
import { createCredentials, type Credentials } from './credentials.js';

export interface CredentialInputs {
  /** `-H` lines. */
  headers?: readonly string[];
  /** `--user U:P` split, the password possibly read from stdin or a prompt. */
  basic?: { user: string; password: string };
  bearer?: string;
  /** A netrc file to read (`--netrc` → ~/.netrc, `--netrc-file F`). */
  netrcFile?: string;
  /** A Netscape cookie file (`--cookie F`). */
  cookieFile?: string;
}

const read = (path: string): Promise<string> => readFile(path, 'utf8').catch((err: unknown) => Promise.reject(fsError(err, path, 'read')));

/** Reads the netrc and cookie files named and builds the Credentials of a download. */
export async function loadCredentials(inputs: CredentialInputs): Promise<Credentials> {
  const netrc = inputs.netrcFile === undefined ? undefined : await read(inputs.netrcFile);
  const cookies = inputs.cookieFile === undefined ? undefined : parseCookieFile(await read(inputs.cookieFile));
  return createCredentials({ headers: inputs.headers, basic: inputs.basic, bearer: inputs.bearer, netrc, cookies });
}
