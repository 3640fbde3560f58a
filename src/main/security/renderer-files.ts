/**
 * What both ways of serving the renderer share (Electron's nl-app protocol
 * and the HTTP transport): the Content-Security-Policy, the MIME types, and
 * the resolution of a request path to a file inside the built renderer folder
 * (never outside it: no '..', no encoded separators, no absolute paths).
 */
import path from 'node:path';

/**
 * The renderer's CSP: scripts, styles, fonts and connections only from the app
 * itself (no inline or remote scripts), no plugins, no framing, no form posts.
 * extraImgSources adds image sources (Electron's image protocol).
 */
export function rendererCsp(extraImgSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data: blob:", ...extraImgSources].join(' '),
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const RENDERER_MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function mimeOf(file: string): string {
  return RENDERER_MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root` ('/' is index.html), or null when
 * the path is malformed or would leave root: each segment is percent-decoded
 * once and must not be empty, '.', '..' or contain '/', '\\', ':' or NUL.
 */
export function resolveRendererFile(root: string, urlPath: string): string | null {
  const segments = urlPath === '/' || urlPath === '' ? ['index.html'] : urlPath.replace(/^\//, '').split('/');
  const clean: string[] = [];
  for (const s of segments) {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      return null;
    }
    if (d === '' || d === '.' || d === '..' || /[\\/\0:]/.test(d)) return null;
    clean.push(d);
  }
  const file = path.join(root, ...clean);
  return file.startsWith(root + path.sep) ? file : null;
}
