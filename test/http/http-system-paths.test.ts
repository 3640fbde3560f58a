/**
 * A request naming a path under /proc, /sys or /dev is answered with an error
 * at once, and the server keeps answering other requests (one such request
 * used to spin the event loop at 100 % CPU in a recursive mkdir).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';

const linux = process.platform === 'linux' && fs.existsSync('/proc/self');
let svc: LabelerService;
let server: HttpTransport;

function post(op: string, body: unknown): Promise<{ status: number; json: { ok: boolean; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${op}`,
        headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'x-nl-token': server.token },
        agent: false,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${op}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(text);
  });
}

describe.skipIf(!linux)('paths under /proc, /sys, /dev over HTTP', () => {
  beforeAll(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-http-sys-'));
    fs.writeFileSync(path.join(tmp, 'index.html'), '<!doctype html><title>t</title>');
    svc = await LabelerService.create({ dataDir: path.join(tmp, 'data') });
    await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj') });
    server = await startHttpTransport(svc, { port: 0, staticDir: tmp });
  });
  afterAll(async () => {
    await server?.close();
    svc?.close();
  });

  it('answers 400 naming the path, while other requests are answered alongside', async () => {
    const t0 = performance.now();
    const [exp, create, open, info] = await Promise.all([
      post('export:run', { format: 'folder', out: '/proc/x/y/export' }),
      post('project:create', { path: '/proc/x/p.nlproj' }),
      post('project:open', { path: '/dev/null' }),
      post('app:info', {}),
    ]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(exp.status).toBe(400);
    expect(exp.json.error?.message).toMatch(/^\/proc\/x\/y\/export is under \/proc, a system folder/);
    expect(create.status).toBe(400);
    expect(create.json.error?.message).toMatch(/^\/proc\/x\/p\.nlproj is under \/proc/);
    expect(open.json.error?.message).toMatch(/not a project file/);
    expect(info.status).toBe(200);
    // the project opened before is still the open one, and the server still answers
    const after = await post('project:status', {});
    expect(after.status).toBe(200);
  });
});

if (!linux) {
  describe('paths under /proc over HTTP', () => {
    it.skip('skipped: /proc, /sys and /dev are Linux kernel file systems; this machine has no /proc', () => undefined);
  });
}
