/**
 * Local HTTP transport of the API contract (src/shared/api.ts), so the same
 * renderer runs in a browser and the tests can drive it headless.
 *
 * Security model ("Local security"; README "Security of the local app"):
 * - Listens on 127.0.0.1 only; there is no option to bind anything else.
 * - No credential is ever put in a cookie: cookies are not scoped by port and
 *   SameSite treats every 127.0.0.1 port as one site, so any other local web
 *   service the browser visits would receive it. The server never sets one
 *   and ignores any it receives.
 * - A per-launch secret token (32 random bytes, base64url) guards every API
 *   call: POST /api/<operation> and GET /api/events need it in the
 *   `X-NL-Token` header (a custom header cannot be sent cross-origin without
 *   a CORS preflight, which this server never grants).
 *   - How the page gets it: the launcher prints
 *     `http://127.0.0.1:<port>/#token=<t>`. A fragment is never sent to any
 *     server; the page reads it once, removes it from the address bar, keeps
 *     it in memory and in this tab's sessionStorage (per origin, port
 *     included; gone when the tab closes) so a reload keeps working.
 *   - The event stream is read with fetch() and the header (not EventSource).
 *   - Images (<img> cannot send headers) use capability URLs
 *     `/image/<view key>/<id>`: POST /session with the token returns a fresh
 *     view key (32 random bytes) for that page; a key opens images only, never
 *     the API, at most MAX_VIEW_KEYS keys live (the oldest is dropped), and all
 *     die with the server. Referrer-Policy no-referrer keeps them out of
 *     Referer headers. `/image/<id>` with the token header works as well.
 *   - index.html and the built assets hold no secret and are served to anyone
 *     who passes the Host/Origin checks below.
 * - Host must be `127.0.0.1:<port>` or `localhost:<port>` (defeats DNS rebinding);
 *   an Origin header, when present, must be this same origin; Fetch-Metadata
 *   `Sec-Fetch-Site` other than same-origin/none is refused (no cross-site loads,
 *   not even of images). Responses carry `Cross-Origin-Resource-Policy: same-origin`.
 * - Status codes: 401 no token, 403 wrong token / bad Host / foreign Origin,
 *   400 malformed path or request, 404 unknown operation / image / file,
 *   405 wrong method, 413 body over 1 MiB, 415 body not JSON.
 * - Images are served by integer id only (`/image/[<view key>/]<id>`), through
 *   host.imageBytes; no path from the client is ever opened. Static files come
 *   only from `staticDir`, segment by segment, with a containment check.
 * - Every response carries a CSP: default-src 'self'; script-src 'self' (no
 *   inline or remote script); img-src 'self' data: blob:.
 */
import { mimeOf, resolveRendererFile } from '../security/renderer-files.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { EventName } from '../../shared/api.js';
import { AppError, serializeError } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import type { ServiceHost } from '../service/service-host.js';
import { isOperationName, parseRequest } from '../service/request-schemas.js';
import { HttpError, MIME, STATUS_OF_CODE, baseHeaders, readBody, sameSecret, sendError, sendJson } from './http-responses.js';

export { CONTENT_SECURITY_POLICY, MAX_BODY_BYTES } from './http-responses.js';

export interface HttpTransportOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Folder of the built renderer (dist/renderer), served as static files. */
  readonly staticDir: string;
}

export interface HttpTransport {
  /**
   * Address to open in a browser, with the token in the fragment:
   * http://127.0.0.1:<port>/#token=<t> (a fragment never reaches a server).
   */
  readonly url: string;
  /** The server's origin without the token, e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly origin: string;
  /** The per-launch secret (base64url of 32 random bytes). */
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The only address this transport ever binds. */
export const LOOPBACK = '127.0.0.1';
export const TOKEN_HEADER = 'x-nl-token';
/** View keys (image capability URLs) alive at once: one per page load; the oldest is dropped. */
export const MAX_VIEW_KEYS = 64;

/**
 * Start the local HTTP transport for `host`.
 * @param host the service (LabelerService or any ServiceHost)
 * @param opts port (0 = any free port) and staticDir (built renderer, must contain index.html)
 * @returns url (to open, with #token=), origin, token, port and close()
 * @throws AppError('invalid-argument') when the port is out of range; the listen error (EADDRINUSE...) otherwise.
 */
export async function startHttpTransport(host: ServiceHost, opts: HttpTransportOptions): Promise<HttpTransport> {
  const host_ = (opts as { host?: unknown }).host;
  if (host_ !== undefined && host_ !== LOOPBACK) {
    throw new AppError('forbidden', `the HTTP transport listens on ${LOOPBACK} only; refusing host ${JSON.stringify(host_)}`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('invalid-argument', `port must be an integer in 0..65535, got ${String(port)}`);
  }
  const staticDir = path.resolve(opts.staticDir);
  const token = randomBytes(32).toString('base64url');
  const secret = Buffer.from(token, 'utf8');
  const sseClients = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let boundPort = 0;
  /** Live view keys, oldest first (a Set keeps insertion order). */
  const viewKeys = new Set<string>();

  const unsubscribe = host.onEvent((event: EventName, payload: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of sseClients) res.write(frame);
  });

  /** 'ok', or the status to refuse with (401 none given, 403 wrong). Only the header counts, never a cookie. */
  const authorize = (req: IncomingMessage): 'ok' | 401 | 403 => {
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string' || given === '') return 401;
    return sameSecret(given, secret) ? 'ok' : 403;
  };

  /** A new view key for one page (see the module doc). */
  const newViewKey = (): string => {
    const key = randomBytes(32).toString('base64url');
    viewKeys.add(key);
    while (viewKeys.size > MAX_VIEW_KEYS) viewKeys.delete(viewKeys.values().next().value!);
    return key;
  };

  const handleSession = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') throw new HttpError(405, 'invalid-argument', 'use POST for /session');
    const auth = authorize(req);
    if (auth !== 'ok') return refuse(res, auth, '/session');
    sendJson(res, 200, { ok: true, value: { viewKey: newViewKey() } });
  };

  const checkOrigin = (req: IncomingMessage): string | null => {
    const hostHeader = req.headers.host;
    const allowedHosts = [`${LOOPBACK}:${boundPort}`, `localhost:${boundPort}`];
    if (!hostHeader || !allowedHosts.includes(hostHeader.toLowerCase())) return `Host "${hostHeader ?? ''}" is not this server`;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader.toLowerCase()}`) return `Origin "${origin}" is not this server`;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request (Sec-Fetch-Site: ${String(site)})`;
    return null;
  };

  const refuse = (res: ServerResponse, status: 401 | 403, what: string): void => {
    sendError(res, status, {
      code: 'forbidden',
      message: status === 401 ? `${what}: missing access token` : `${what}: wrong access token`,
    });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, op: string): Promise<void> => {
    if (req.method !== 'POST') throw new HttpError(405, 'invalid-argument', `use POST for /api/${op}`);
    const auth = authorize(req);
    if (auth !== 'ok') return refuse(res, auth, `/api/${op}`);
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json(\s*;.*)?$/i.test(type)) throw new HttpError(415, 'invalid-argument', 'send the request as application/json');
    if (!isOperationName(op)) throw new HttpError(404, 'not-found', `no operation "${op}"`);
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid-argument', `/api/${op}: body is not valid JSON`);
    }
    let request;
    try {
      request = parseRequest(op, body);
    } catch (e) {
      return sendError(res, 400, serializeError(e));
    }
    try {
      const value = await host.invoke(op, request);
      sendJson(res, 200, { ok: true, value: value ?? null });
    } catch (e) {
      const err = serializeError(e);
      sendError(res, STATUS_OF_CODE[err.code] ?? 500, err);
    }
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET') throw new HttpError(405, 'invalid-argument', 'use GET for /api/events');
    const auth = authorize(req);
    if (auth !== 'ok') return refuse(res, auth, '/api/events');
    res.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n: connected\n\n');
    sseClients.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    beat.unref();
    req.on('close', () => {
      clearInterval(beat);
      sseClients.delete(res);
    });
  };

  const handleImage = async (req: IncomingMessage, res: ServerResponse, path_: string, query: string): Promise<void> => {
    let rest = path_;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'invalid-argument', 'use GET for /image/<id>');
    // /image/<view key>/<id>: the key is the capability; /image/<id>: the token header
    const keyed = /^([A-Za-z0-9_-]{43})\/([^/]*)$/.exec(rest);
    if (keyed) rest = keyed[2]!;
    if (!/^[1-9][0-9]{0,14}$/.test(rest)) throw new HttpError(400, 'invalid-argument', 'an image is addressed by its integer id only: /image/<id>');
    if (keyed) {
      if (!viewKeys.has(keyed[1]!)) return refuse(res, 403, '/image');
    } else {
      const auth = authorize(req);
      if (auth !== 'ok') return refuse(res, auth, '/image');
    }
    let maxSide: number | undefined;
    const max = new URLSearchParams(query).get('max');
    if (max !== null) {
      if (!/^[1-9][0-9]{1,4}$/.test(max) || Number(max) > 16384) throw new HttpError(400, 'invalid-argument', 'max must be an integer 10..16384');
      maxSide = Number(max);
    }
    const img = await host.imageBytes(Number(rest) as ImageId, maxSide);
    if (!img) throw new HttpError(404, 'not-found', `no image ${rest} in the open project`);
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': img.mime, 'Content-Length': String(img.bytes.byteLength), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(img.bytes.buffer, img.bytes.byteOffset, img.bytes.byteLength));
  };

  /** index.html: the built page, which holds no secret (the token arrives in the address's fragment). */
  const serveIndex = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const html = await readFile(path.join(staticDir, 'index.html'));
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': MIME['.html']!, 'Content-Length': String(html.length), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : html);
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'invalid-argument', 'static files are GET only');
    const file = resolveRendererFile(staticDir, rawPath);
    if (!file) throw new HttpError(400, 'invalid-argument', 'malformed path');
    if (path.basename(file) === 'index.html' && path.dirname(file) === staticDir) return serveIndex(req, res);
    const st = await stat(file).catch(() => null);
    if (!st || !st.isFile()) throw new HttpError(404, 'not-found', 'no such file');
    const body = await readFile(file);
    const mime = mimeOf(file);
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': mime, 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const rawPath = q >= 0 ? raw.slice(0, q) : raw;
    const query = q >= 0 ? raw.slice(q + 1) : '';
    const bad = checkOrigin(req);
    if (bad) return sendError(res, 403, { code: 'forbidden', message: bad });
    if (!rawPath.startsWith('/')) throw new HttpError(400, 'invalid-argument', 'malformed path');
    if (rawPath === '/api/events') return handleEvents(req, res);
    if (rawPath === '/session') return handleSession(req, res);
    if (rawPath.startsWith('/api/')) return handleApi(req, res, rawPath.slice('/api/'.length));
    if (rawPath.startsWith('/image/')) return handleImage(req, res, rawPath.slice('/image/'.length), query);
    if (rawPath === '/' || rawPath === '/index.html') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'invalid-argument', 'GET only');
      return serveIndex(req, res);
    }
    return serveStatic(req, res, rawPath);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) sendError(res, e.status, { code: e.code, message: e.message });
      else sendError(res, 500, serializeError(e));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  if (addr.address !== LOOPBACK) {
    server.close();
    throw new AppError('internal', `HTTP transport bound ${addr.address}, expected ${LOOPBACK}`);
  }
  boundPort = addr.port;
  const origin = `http://${LOOPBACK}:${boundPort}`;

  let closed = false;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port: boundPort,
    close: async () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const res of sseClients) res.end();
      sseClients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
