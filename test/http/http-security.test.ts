/**
 * Local security of the HTTP transport: forged requests get exact
 * statuses. Runs against the real LabelerService on a real project (a few demo
 * images plus one unreadable file), over real sockets with raw request paths
 * (node:http does not normalise "..", so traversal attempts reach the server as sent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, CONTENT_SECURITY_POLICY, type HttpTransport } from '../../src/main/http/http-transport.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import type { ImageId } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let svc: LabelerService;
let server: HttpTransport;
let tmp: string;
let readyId: number;
let unreadableId: number;
let readyPath: string;

function request(method: string, rawPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: rawPath, headers: { host: `127.0.0.1:${server.port}`, ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = (): Record<string, string> => ({ 'x-nl-token': server.token, 'content-type': 'application/json' });
/** What a browser would send had the old design set the token as a cookie: must never count. */
const cookie = (): Record<string, string> => ({ cookie: `nl_token_${server.port}=${server.token}` });
/** A fresh view key for one page (POST /session with the token). */
async function viewKey(): Promise<string> {
  const r = await request('POST', '/session', { 'x-nl-token': server.token });
  expect(r.status).toBe(200);
  return (json(r).value as { viewKey: string }).viewKey;
}
let key = '';
const api = (op: string, body: unknown = {}, headers: Record<string, string> = auth()): Promise<Reply> =>
  request('POST', `/api/${op}`, headers, JSON.stringify(body));
const json = (r: Reply): { ok: boolean; value?: unknown; error?: { code: string; message: string } } => JSON.parse(r.body.toString('utf8'));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-http-'));
  const subset = makeDemoSubset(1, 'nl-http-images-');
  fs.writeFileSync(path.join(subset.images, 'not-an-image.png'), 'this is text, not a PNG\n');
  const staticDir = path.join(tmp, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1);\n');
  svc = await LabelerService.create({ dataDir: path.join(tmp, 'data') });
  await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj') });
  const report = await svc.invoke('images:import', { folder: subset.images });
  expect(report.ready).toBe(10);
  expect(report.unreadable).toHaveLength(1);
  const images = svc.project.listImages();
  const ready = images.find((i) => i.status === 'ready' && !i.inTestSplit)!;
  readyId = ready.id;
  readyPath = ready.path;
  unreadableId = images.find((i) => i.status === 'unreadable')!.id;
  server = await startHttpTransport(svc, { port: 0, staticDir });
  key = await viewKey();
});

afterAll(async () => {
  await server?.close();
  svc?.close();
});

describe('listening', () => {
  it('binds 127.0.0.1 only and prints a token URL', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('is not reachable on any non-loopback interface address', async () => {
    const addrs = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && !a.address.startsWith('fe80:')) // link-local needs a scope id
      .map((a) => a.address);
    for (const address of addrs) {
      const err = await new Promise<string>((resolve) => {
        const s = net.connect({ host: address, port: server.port });
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(err, `connecting via ${address}`).toBe('ECONNREFUSED');
    }
    if (addrs.length === 0) console.info('no non-loopback interface on this machine; only the bind address was checked');
  });

  it('refuses to bind anything but 127.0.0.1, even when asked through an untyped option', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
      await expect(startHttpTransport(svc, { staticDir: tmp, host } as never)).rejects.toThrow(/listens on 127\.0\.0\.1 only/);
    }
  });

  it('refuses an invalid port', async () => {
    await expect(startHttpTransport(svc, { port: 70000, staticDir: tmp })).rejects.toThrow(/port must be an integer/);
  });

  it('two servers get different tokens', async () => {
    const other = await startHttpTransport(svc, { staticDir: tmp });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.port).not.toBe(server.port);
    } finally {
      await other.close();
    }
  });
});

describe('token', () => {
  it('401 without a token, 403 with a wrong one, 200 with the right one', async () => {
    expect((await api('app:info', {}, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await api('app:info', {}, { 'content-type': 'application/json', 'x-nl-token': '' })).status).toBe(401);
    const wrong = randomBytes(32).toString('base64url');
    expect((await api('app:info', {}, { 'content-type': 'application/json', 'x-nl-token': wrong })).status).toBe(403);
    expect((await api('app:info', {}, { 'content-type': 'application/json', 'x-nl-token': server.token.slice(0, 20) })).status).toBe(403);
    const ok = await api('app:info');
    expect(ok.status).toBe(200);
    const body = json(ok);
    expect(body.ok).toBe(true);
    expect((body.value as { openProject: string }).openProject).toBe(path.join(tmp, 'p.nlproj'));
  });

  it('a cookie holding the token authorises nothing: API, events, images, session', async () => {
    expect((await api('app:info', {}, { 'content-type': 'application/json', ...cookie() })).status).toBe(401);
    expect((await request('GET', '/api/events', cookie())).status).toBe(401);
    expect((await request('GET', `/image/${readyId}`, cookie())).status).toBe(401);
    expect((await request('POST', '/session', cookie())).status).toBe(401);
  });

  it('no response ever sets a cookie', async () => {
    const replies = [
      await request('GET', '/'),
      await request('GET', `/?token=${server.token}`),
      await request('GET', '/index.html'),
      await request('GET', '/assets/app.js'),
      await request('POST', '/session', { 'x-nl-token': server.token }),
      await api('app:info'),
      await request('GET', `/image/${key}/${readyId}`),
    ];
    for (const r of replies) expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('a view key opens images only, never the API; a made-up key opens nothing; each page gets its own', async () => {
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toBe(server.token);
    expect((await request('GET', `/image/${key}/${readyId}`)).status).toBe(200);
    expect((await api('app:info', {}, { 'content-type': 'application/json', 'x-nl-token': key })).status).toBe(403);
    expect((await request('GET', '/api/events', { 'x-nl-token': key })).status).toBe(403);
    expect((await request('GET', `/image/${'k'.repeat(43)}/${readyId}`)).status).toBe(403);
    expect((await request('GET', `/image/${server.token}/${readyId}`)).status).toBe(403);
    expect((await request('POST', '/session', { 'x-nl-token': key })).status).toBe(403);
    const other = await viewKey();
    expect(other).not.toBe(key);
    expect((await request('GET', `/image/${other}/${readyId}`)).status).toBe(200);
  });
});

describe('Host, Origin and fetch metadata', () => {
  it('403 for a foreign Host (DNS rebinding), even with the token', async () => {
    expect((await request('POST', '/api/app:info', { ...auth(), host: `evil.example:${server.port}` }, '{}')).status).toBe(403);
    expect((await request('POST', '/api/app:info', { ...auth(), host: `127.0.0.1:${server.port + 1}` }, '{}')).status).toBe(403);
    expect((await request('POST', '/api/app:info', { ...auth(), host: '127.0.0.1' }, '{}')).status).toBe(403);
    expect((await request('GET', '/favicon.svg', { host: `attacker.test:${server.port}` })).status).toBe(403);
    expect((await request('POST', '/api/app:info', { ...auth(), host: `localhost:${server.port}` }, '{}')).status).toBe(200);
  });

  it('403 for a cross-site Origin, 200 for our own', async () => {
    expect((await api('app:info', {}, { ...auth(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('app:info', {}, { ...auth(), origin: 'null' })).status).toBe(403);
    expect((await api('app:info', {}, { ...auth(), origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('app:info', {}, { ...auth(), origin: `http://localhost:${server.port}` })).status).toBe(403); // Host is 127.0.0.1: other origin
    expect((await api('app:info', {}, { ...auth(), origin: server.origin })).status).toBe(200);
  });

  it('403 for Sec-Fetch-Site cross-site / same-site, even for images with a view key', async () => {
    expect((await request('GET', `/image/${key}/${readyId}`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await request('GET', `/image/${key}/${readyId}`, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await request('GET', `/image/${key}/${readyId}`, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });
});

describe('API requests', () => {
  it('validates the body and the operation', async () => {
    expect((await request('POST', '/api/app:info', { 'x-nl-token': server.token, 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await request('POST', '/api/app:info', { 'x-nl-token': server.token }, '{}')).status).toBe(415);
    expect((await request('POST', '/api/app:info', auth(), '{not json')).status).toBe(400);
    expect((await api('no:such-op')).status).toBe(404);
    expect((await api('__proto__')).status).toBe(404);
    expect((await api('constructor')).status).toBe(404);
    expect((await request('GET', '/api/app:info', auth())).status).toBe(405);
    const bad = await api('label:set', { imageId: '../../etc/passwd', angle: 10 });
    expect(bad.status).toBe(400);
    expect(json(bad).error!.code).toBe('invalid-argument');
    expect(json(bad).error!.message).toContain('imageId');
    expect((await api('label:set', { imageId: readyId, angle: 10, extra: 1 })).status).toBe(400);
    expect((await api('label:set', { imageId: readyId, angle: 'NaN' })).status).toBe(400);
    expect((await api('project:open', { path: 7 })).status).toBe(400);
    expect((await request('POST', '/api/app:info', auth(), Buffer.alloc((1 << 20) + 10, 32))).status).toBe(413);
  });

  it('maps service errors into the envelope', async () => {
    const r = await api('label:set', { imageId: 987654, angle: 10 });
    expect(r.status).toBe(404);
    expect(json(r)).toEqual({ ok: false, error: { code: 'not-found', message: expect.stringContaining('987654') } });
  });
});

describe('images by id only', () => {
  it('serves a ready image by id with the token header or a view key', async () => {
    expect((await request('GET', `/image/${readyId}`)).status).toBe(401);
    expect((await request('GET', `/image/${readyId}`, { 'x-nl-token': 'x'.repeat(43) })).status).toBe(403);
    const r = await request('GET', `/image/${key}/${readyId}`);
    expect(r.status).toBe(200);
    expect(['image/png', 'image/jpeg']).toContain(r.headers['content-type']);
    expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    const viaService = await svc.imageBytes(readyId as ImageId);
    expect(Buffer.compare(r.body, Buffer.from(viaService!.bytes))).toBe(0);
    expect((await request('GET', `/image/${readyId}`, { 'x-nl-token': server.token })).status).toBe(200);
  });

  it('400 for anything that is not an integer id: traversal, absolute paths, junk', async () => {
    const bad = [
      '/image/../../etc/passwd',
      '/image/..%2F..%2Fetc%2Fpasswd',
      '/image/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/image//etc/passwd',
      '/image/%2Fetc%2Fpasswd',
      `/image/${encodeURIComponent(readyPath)}`,
      `/image/${readyPath}`,
      '/image/C:%5CWindows%5Cwin.ini',
      '/image/abc',
      '/image/0',
      '/image/-1',
      '/image/1.5',
      '/image/1e3',
      '/image/0x10',
      `/image/${key}/${readyId}/`,
      `/image/${readyId}%00`,
      '/image/',
      '/image/99999999999999999999',
    ];
    for (const p of bad) expect((await request('GET', p, { 'x-nl-token': server.token })).status, p).toBe(400);
    for (const p of [`/image/${key}/abc`, `/image/${key}/../../etc/passwd`, `/image/${key}/0`]) expect((await request('GET', p)).status, p).toBe(400);
    expect((await request('GET', `/image/${key}/${readyId}?max=../../x`)).status).toBe(400);
  });

  it('404 for ids that are not ready images of the open project', async () => {
    expect((await request('GET', `/image/${key}/987654`)).status).toBe(404);
    expect((await request('GET', `/image/${key}/${unreadableId}`)).status).toBe(404);
  });
});

describe('static files and the start page', () => {
  it('never leaves staticDir', async () => {
    for (const p of [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      '/assets/%5C..%5C..%5Cetc%5Cpasswd',
      '//etc/passwd',
      '/assets/./app.js',
    ]) {
      expect((await request('GET', p)).status, p).toBe(400);
    }
    expect((await request('GET', '/etc/passwd')).status).toBe(404);
    expect((await request('GET', '/assets/nope.js')).status).toBe(404);
    const js = await request('GET', '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('the start page holds no secret and sets no cookie; CSP on every response', async () => {
    const page = await request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).not.toContain(server.token);
    expect(page.headers['set-cookie']).toBeUndefined();
    const old = await request('GET', `/?token=${server.token}`);
    expect(old.status).toBe(200);
    expect(old.body.toString()).not.toContain(server.token);
    for (const r of [page, old, await request('GET', '/assets/app.js'), await request('GET', `/image/${key}/${readyId}`)]) {
      const csp = r.headers['content-security-policy'];
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
    }
    const csp = CONTENT_SECURITY_POLICY.split('; ');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('events', () => {
  it('401 / 403 without the right token header; with it it streams service events', async () => {
    expect((await request('GET', '/api/events')).status).toBe(401);
    expect((await request('GET', '/api/events', { 'x-nl-token': 'B'.repeat(43) })).status).toBe(403);
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}`, 'x-nl-token': server.token }, agent: false },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('event: labels:changed')) {
              req.destroy();
              resolve(text);
            }
          });
          void api('label:set', { imageId: readyId, angle: 123 }).then((r) => expect(r.status).toBe(200), reject);
        },
      );
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    const frame = received.split('\n\n').find((f) => f.startsWith('event: labels:changed'))!;
    expect(JSON.parse(frame.split('\n')[1]!.slice('data: '.length))).toEqual({ labeled: 1 });
    const row = projectSqlite(svc.project).prepare('SELECT angle_deg FROM labels WHERE image_id = ? AND undone_at IS NULL').get(readyId) as {
      angle_deg: number;
    };
    expect(row.angle_deg).toBe(123);
  });
});
