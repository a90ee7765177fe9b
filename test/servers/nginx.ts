/**
 * Starts a private nginx on 127.0.0.1 serving `root`, with its own config, logs and temp
 * directories in a temporary prefix. Used where real Range / If-Range / 416 semantics and
 * real throughput matter. `nginxSkipReason()` says why tests must skip when nginx is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface NginxOptions {
  /** Directory served at `/`. */
  root: string;
  /** Directives placed inside the `server { }` block, e.g. `limit_rate 20m;`. */
  extraConfig?: string;
}

export interface Nginx {
  url: string;
  port: number;
  pid: number;
  prefix: string;
  stop(): Promise<void>;
}

const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export function nginxBinary(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (found) return found;
  return NGINX_CANDIDATES.find((p) => spawnSync(p, ['-v']).status === 0);
}

/** Undefined when nginx can run here, else the reason to print with a skipped test. */
export function nginxSkipReason(): string | undefined {
  return nginxBinary() ? undefined : 'nginx is not installed (apt-get install nginx-light)';
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function config(prefix: string, port: number, opts: NginxOptions): string {
  // As root the workers would drop to `nobody`, which cannot read a private temp root.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  return `${user}
worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${opts.root};
    ${opts.extraConfig ?? ''}
  }
}
`;
}

async function waitForPort(port: number, child: ChildProcess, errorLog: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${await errorLog()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port}: ${await errorLog()}`);
}

export async function startNginx(opts: NginxOptions): Promise<Nginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error(nginxSkipReason());
  const prefix = await mkdtemp(join(tmpdir(), 'dlkit-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  await mkdir(join(prefix, 'tmp'));
  await writeFile(conf, config(prefix, port, opts));
  const child = spawn(bin, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: 'ignore' });
  const errorLog = () => readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
  await waitForPort(port, child, errorLog);
  const pid = child.pid ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    prefix,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(pid, 'SIGQUIT');
        await Promise.race([exited, sleep(3000)]);
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
