/**
 * The distribution registry (Debian `docker-registry`, 2.8) on 127.0.0.1: a temp config,
 * filesystem storage in a temp directory, a free port, optionally htpasswd (bcrypt, made
 * with `htpasswd -B`). `pushPlan` uploads the eStargz fixtures as push-plan.json says,
 * with the OCI distribution API (monolithic POST + PUT, cross-repository mounts for blobs
 * already pushed). Stopped by PID. `registrySkipReason()` says why tests must skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './nginx.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** Require Basic auth with this user and password (htpasswd, bcrypt). */
  htpasswd?: { user: string; password: string };
}

export interface Registry {
  /** host:port, as an image reference starts. */
  host: string;
  url: string;
  pid: number;
  /** Where blobs live: registry/v2/blobs/sha256/XX/HEX/data. */
  storage: string;
  /** Authorization header value for pushing, when htpasswd is on. */
  authorization?: string;
  stop(): Promise<void>;
}

export function registrySkipReason(opts: RegistryOptions = {}): string | undefined {
  if (!existsSync(REGISTRY_BINARY)) return 'the distribution registry is not installed (apt-get install docker-registry)';
  if (opts.htpasswd && spawnSync('htpasswd', ['-v'], { stdio: 'ignore' }).error) return 'htpasswd is not installed (apt-get install apache2-utils)';
  return undefined;
}

function config(root: string, port: number, htpasswdFile: string | undefined): string {
  const auth = htpasswdFile ? `auth:\n  htpasswd:\n    realm: dlkit-test\n    path: ${htpasswdFile}\n` : '';
  return `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${root}
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
${auth}`;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
    if (ok) return;
    await sleep(50);
  }
  throw new Error('docker-registry did not start within 10 s');
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), 'dlkit-registry-'));
  let htpasswdFile: string | undefined;
  if (opts.htpasswd) {
    htpasswdFile = join(dir, 'htpasswd');
    const made = spawnSync('htpasswd', ['-Bbn', opts.htpasswd.user, opts.htpasswd.password], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
    await writeFile(htpasswdFile, made.stdout);
  }
  const port = await freePort();
  await writeFile(join(dir, 'config.yml'), config(join(dir, 'storage'), port, htpasswdFile));
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  const authorization = opts.htpasswd ? `Basic ${Buffer.from(`${opts.htpasswd.user}:${opts.htpasswd.password}`).toString('base64')}` : undefined;
  return { host: `127.0.0.1:${port}`, url, pid: child.pid!, storage: join(dir, 'storage', 'docker', 'registry', 'v2'), ...(authorization ? { authorization } : {}), stop };
}

interface PushStep {
  op: 'blob' | 'manifest';
  repo: string;
  file: string;
  digest: string;
  ref?: string;
  mediaType?: string;
}

async function expectStatus(res: Response, want: number, what: string): Promise<Response> {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** Pushes fixtures per `planFile` (paths in it are relative to its parent's parent). */
export async function pushPlan(reg: Registry, fixturesDir: string): Promise<void> {
  const plan = JSON.parse(await readFile(join(fixturesDir, 'images', 'push-plan.json'), 'utf8')) as { steps: PushStep[] };
  const auth: Record<string, string> = reg.authorization ? { authorization: reg.authorization } : {};
  const pushed = new Map<string, string>();
  for (const step of plan.steps) {
    const body = await readFile(join(fixturesDir, step.file));
    if (step.op === 'manifest') {
      const put = await fetch(`${reg.url}/v2/${step.repo}/manifests/${step.ref}`, { method: 'PUT', headers: { ...auth, 'content-type': step.mediaType! }, body });
      await expectStatus(put, 201, `PUT manifest ${step.repo}:${step.ref}`);
      continue;
    }
    const from = pushed.get(step.digest);
    if (from) {
      const mount = await fetch(`${reg.url}/v2/${step.repo}/blobs/uploads/?mount=${step.digest}&from=${from}`, { method: 'POST', headers: auth });
      if (mount.status === 201) continue;
    }
    const start = await expectStatus(await fetch(`${reg.url}/v2/${step.repo}/blobs/uploads/`, { method: 'POST', headers: auth }), 202, `POST upload ${step.repo}`);
    const location = new URL(start.headers.get('location')!, reg.url);
    location.searchParams.set('digest', step.digest);
    const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body });
    await expectStatus(put, 201, `PUT blob ${step.digest}`);
    pushed.set(step.digest, step.repo);
  }
}

/** The file the registry serves a blob from (to damage it on purpose). */
export const blobDataPath = (reg: Registry, digest: string): string => {
  const hex = digest.slice('sha256:'.length);
  return join(reg.storage, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
};

export interface TokenFront {
  host: string;
  /** Authorization headers the blob-storage origin received (must stay empty). */
  storageAuth: string[];
  tokensIssued: number;
  stop(): Promise<void>;
}

/**
 * A front for an anonymous registry that speaks the distribution token flow: 401 with a
 * Bearer challenge, anonymous tokens from /token, and blob GETs redirected (307) to a
 * "storage" origin (localhost instead of 127.0.0.1) that records any Authorization it gets.
 */
export async function startTokenFront(reg: Registry): Promise<TokenFront> {
  const { createServer } = await import('node:http');
  const front: TokenFront = { host: '', storageAuth: [], tokensIssued: 0, stop: async () => undefined };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, headers: Record<string, string>, body = ''): void => void res.writeHead(status, headers).end(body);
    if (url.pathname === '/token') {
      front.tokensIssued++;
      return send(200, { 'content-type': 'application/json' }, JSON.stringify({ token: `anon.${Buffer.from(url.searchParams.get('scope') ?? '').toString('base64url')}` }));
    }
    const storage = /^\/storage(\/v2\/.+)$/.exec(url.pathname);
    if (storage) {
      if (req.headers.authorization) front.storageAuth.push(req.headers.authorization);
      return void proxy(reg, storage[1]!, req.headers, res);
    }
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1];
    const want = repo ? `Bearer anon.${Buffer.from(`repository:${repo}:pull`).toString('base64url')}` : undefined;
    if (!repo || req.headers.authorization !== want) {
      const scope = repo ? `,scope="repository:${repo}:pull"` : '';
      return send(401, { 'www-authenticate': `Bearer realm="http://${front.host}/token",service="dlkit-front"${scope}` });
    }
    if (url.pathname.includes('/blobs/')) return send(307, { location: `http://localhost:${front.host.split(':')[1]}/storage${url.pathname}` });
    return void proxy(reg, url.pathname, req.headers, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  front.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return front;
}

async function proxy(reg: Registry, path: string, headers: Record<string, string | string[] | undefined>, res: import('node:http').ServerResponse): Promise<void> {
  const pass = Object.fromEntries(['accept', 'range'].flatMap((h) => (typeof headers[h] === 'string' ? [[h, headers[h] as string]] : [])));
  const up = await fetch(`${reg.url}${path}`, { headers: { ...pass, ...(reg.authorization ? { authorization: reg.authorization } : {}) } });
  const keep = ['content-type', 'content-range', 'docker-content-digest', 'content-length'];
  res.writeHead(up.status, Object.fromEntries(keep.flatMap((h) => (up.headers.get(h) ? [[h, up.headers.get(h)!]] : []))));
  res.end(Buffer.from(await up.arrayBuffer()));
}
