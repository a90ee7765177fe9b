import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentials } from '../../../src/lib/http/credentials.js';
import { createDispatcher } from '../../../src/lib/http/dispatcher.js';
import { httpRequest } from '../../../src/lib/http/http-request.js';
import { parseCookieFile } from '../../../src/lib/http/cookie-file.js';
import { startFaultServer, type FaultServer } from '../../servers/fault-server.js';

describe('httpRequest redirects', () => {
  let a: FaultServer;
  let b: FaultServer;
  const dispatcher = createDispatcher();
  beforeAll(async () => {
    a = await startFaultServer();
    b = await startFaultServer();
    b.route('/final', { body: Buffer.from('payload') });
    a.route('/hop', { redirect: { location: `${b.url}/final`, status: 302 } });
    a.route('/same', { redirect: { location: '/same-final', status: 307 } });
    a.route('/same-final', { body: Buffer.from('same origin') });
    for (let i = 0; i < 12; i++) a.route(`/loop${i}`, { redirect: { location: `/loop${i + 1}` } });
    a.route('/ftp', { redirect: { location: 'ftp://127.0.0.1/x' } });
  });
  afterAll(async () => {
    await dispatcher.close();
    await Promise.all([a.close(), b.close()]);
  });

  const creds = createCredentials({
    headers: ['Authorization: Bearer header-secret', 'X-Trace: 42', 'Cookie: session=abc'],
    basic: { user: 'u', password: 'p' },
    netrc: 'machine 127.0.0.1 login n password np',
    cookies: parseCookieFile('127.0.0.1\tFALSE\t/\tFALSE\t0\tjar\tcookie-secret\n'),
  });

  it('drops Authorization, cookies and netrc logins when the redirect changes origin', async () => {
    const res = await httpRequest({ dispatcher, url: `${a.url}/hop`, credentials: creds });
    expect(res.status).toBe(200);
    expect(await res.body.text()).toBe('payload');
    const first = a.stats.requests.find((r) => r.path === '/hop')!;
    expect(first.headers.authorization).toBe('Bearer header-secret');
    expect(first.headers.cookie).toContain('session=abc');
    const second = b.stats.requests.find((r) => r.path === '/final')!;
    expect(second.headers.authorization).toBeUndefined();
    expect(second.headers.cookie).toBeUndefined();
    expect(second.headers['x-trace']).toBe('42');
  });

  it('keeps credentials on a same-origin redirect', async () => {
    const res = await httpRequest({ dispatcher, url: `${a.url}/same`, credentials: createCredentials({ basic: { user: 'u', password: 'p' } }) });
    expect(await res.body.text()).toBe('same origin');
    const hop = a.stats.requests.find((r) => r.path === '/same-final')!;
    expect(hop.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('stops after 10 redirects and refuses non-http targets', async () => {
    await expect(httpRequest({ dispatcher, url: `${a.url}/loop0` })).rejects.toMatchObject({ code: 'DL_ERR_TOO_MANY_REDIRECTS', exitCode: 69 });
    await expect(httpRequest({ dispatcher, url: `${a.url}/ftp` })).rejects.toMatchObject({ code: 'DL_ERR_REDIRECT_PROTOCOL' });
  });

  it('uses the netrc login of the host when nothing else is given', async () => {
    const res = await httpRequest({ dispatcher, url: `${a.url}/same-final`, credentials: createCredentials({ netrc: 'machine other login x password y\nmachine 127.0.0.1 login n password np' }) });
    await res.body.dump();
    expect(a.stats.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('n:np').toString('base64')}`);
  });
});
