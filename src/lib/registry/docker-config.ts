import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { DOCKER_HUB } from './image-reference.js';

/** A user name and password (or token) for one registry. */
export interface BasicCredentials {
  user: string;
  password: string;
}

/** The parts of `$DOCKER_CONFIG/config.json` that hold credentials. */
interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Keys docker writes for a registry; Docker Hub's is the old index URL. */
function keysFor(registry: string): string[] {
  const hub = registry === DOCKER_HUB ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io'] : [];
  return [...hub, registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
}

/** The directory docker reads: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return env.HOME ? join(env.HOME, '.docker') : undefined;
}

async function readConfig(dir: string): Promise<DockerConfig | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DlError(`cannot use ${join(dir, 'config.json')}: ${(err as Error).message}`, {
      code: 'DL_ERR_DOCKER_CONFIG',
      exitCode: ExitCode.USAGE,
      hint: 'fix the file, or point DOCKER_CONFIG at another directory',
    });
  }
}

/** Runs `docker-credential-NAME get` as docker does: the server on stdin, JSON on stdout. */
async function runHelper(name: string, server: string, env: Readonly<Record<string, string | undefined>>): Promise<BasicCredentials | undefined> {
  // Loaded when a helper runs: node:child_process cost every start a few ms.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${name}`, ['get'], { env: env as NodeJS.ProcessEnv, timeout: 30_000 }, (err, stdout) => {
      // Helpers exit 1 with "credentials not found" for unknown servers: anonymous then.
      if (err && /not found/i.test(`${stdout}${String((err as { stderr?: string }).stderr ?? '')}${err.message}`)) return resolve(undefined);
      if (err) return reject(new DlError(`docker-credential-${name} failed: ${err.message}`, { code: 'DL_ERR_CREDENTIAL_HELPER', exitCode: ExitCode.USAGE, hint: `check that docker-credential-${name} is installed and logged in, or pass --user` }));
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        resolve(out.Secret ? { user: out.Username ?? '', password: out.Secret } : undefined);
      } catch {
        reject(new DlError(`docker-credential-${name} printed no JSON`, { code: 'DL_ERR_CREDENTIAL_HELPER', exitCode: ExitCode.USAGE, hint: 'check the credential helper' }));
      }
    });
    child.stdin?.end(server);
  });
}

/**
 * Credentials docker would use for `registry`: credHelpers[registry], then auths (the
 * base64 `auth` or username/password), then the global credsStore. Undefined: anonymous.
 */
export async function dockerCredentials(registry: string, env: Readonly<Record<string, string | undefined>>): Promise<BasicCredentials | undefined> {
  const dir = dockerConfigDir(env);
  const config = dir === undefined ? undefined : await readConfig(dir);
  if (!config) return undefined;
  const keys = keysFor(registry);
  const helper = keys.map((k) => config.credHelpers?.[k]).find((h) => h !== undefined);
  if (helper) return runHelper(helper, keys[0]!, env);
  const entry = keys.map((k) => config.auths?.[k]).find((a) => a !== undefined);
  if (entry?.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) return { user: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (entry?.username && entry.password) return { user: entry.username, password: entry.password };
  return config.credsStore ? runHelper(config.credsStore, keys[0]!, env) : undefined;
}
