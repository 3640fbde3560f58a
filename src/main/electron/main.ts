/**
 * Electron main process: owns the LabelerService (project store, jobs in
 * worker threads) and one window running the React renderer.
 *
 * Hardening (Electron's security checklist; docs/architecture.md, "Security"):
 * - BrowserWindow: contextIsolation, sandbox, no nodeIntegration, webSecurity,
 *   no webview; the preload exposes only window.noveltyLabeler.
 * - The renderer is served from the custom scheme nl-app://app/ (standard,
 *   secure) with a CSP header: no inline or remote scripts.
 * - No remote content: navigation away from nl-app://app/ and window.open are
 *   refused, http(s)/ws(s) requests are cancelled, permission requests denied.
 * - Images: nl-image://img/<id>, integer ids only, served through
 *   host.imageBytes, which answers only for ready images of the open project
 *   (containment by id; no path from the renderer is ever opened).
 * - IPC: one ipcMain.handle per operation; the sender must be our window's
 *   main frame on nl-app://app/; every request is validated (zod) before it
 *   reaches the service; results cross as ApiResult envelopes.
 */
import { mimeOf, resolveRendererFile } from '../security/renderer-files.js';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiResult, OperationName } from '../../shared/api.js';
import { OPERATION_NAMES } from '../../shared/api.js';
import { serializeError } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import { LabelerService } from '../service/labeler-service.js';
import type { ServiceHost } from '../service/service-host.js';
import { parseRequest } from '../service/request-schemas.js';
import { demoFolder as bundledDemoFolder } from '../service/bundled-files.js';
import {
  APP_HOST,
  APP_SCHEME,
  ELECTRON_CSP,
  EVENT_CHANNEL,
  IMAGE_HOST,
  IMAGE_SCHEME,
  PICK_PATH_CHANNEL,
  invokeChannel,
  type EventMessage,
  type PickPathRequest,
} from './ipc-channels.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/main/electron -> dist/renderer */
const RENDERER_DIR = path.resolve(here, '..', '..', 'renderer');
const PRELOAD = path.join(here, 'preload.cjs');
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
const ICON = path.resolve(here, '..', '..', '..', 'assets', 'icon.png');

// Must run before 'ready'.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;

function demoFolder(): string | null {
  if (app.isPackaged) {
    const p = path.join(process.resourcesPath, 'demo', 'images');
    if (fs.existsSync(p)) return p;
  }
  return bundledDemoFolder();
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': ELECTRON_CSP } });
}

/** nl-app://app/<file>: a file of the built renderer, never outside RENDERER_DIR. */
async function serveApp(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return textResponse(404, 'not found');
  const file = resolveRendererFile(RENDERER_DIR, url.pathname);
  if (!file) return textResponse(400, 'malformed path');
  try {
    const body = await fs.promises.readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': mimeOf(file),
        'content-security-policy': ELECTRON_CSP,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return textResponse(404, 'not found');
  }
}

/** nl-image://img/<id>: an image of the open project by integer id. */
async function serveImage(host: ServiceHost, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const m = /^\/([1-9][0-9]{0,14})$/.exec(url.pathname);
  if (url.host !== IMAGE_HOST || !m) return textResponse(400, 'an image is addressed by its integer id only: nl-image://img/<id>');
  const img = await host.imageBytes(Number(m[1]) as ImageId);
  if (!img) return textResponse(404, 'no such image in the open project');
  return new Response(Buffer.from(img.bytes), {
    status: 200,
    headers: { 'content-type': img.mime, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });
}

/** Only our window's main frame, showing our own pages, may call the service. */
function trustedSender(e: IpcMainInvokeEvent): boolean {
  const win = mainWindow;
  if (!win || win.isDestroyed() || e.sender !== win.webContents) return false;
  const frame = e.senderFrame;
  if (!frame || frame !== win.webContents.mainFrame) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

const FORBIDDEN: ApiResult<never> = { ok: false, error: { code: 'forbidden', message: 'IPC refused: not from the app window' } };

function registerIpc(host: ServiceHost): void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(invokeChannel(op), async (e, raw: unknown): Promise<ApiResult<unknown>> => {
      if (!trustedSender(e)) return FORBIDDEN;
      try {
        const request = parseRequest(op as OperationName, raw);
        const value = await host.invoke(op, request as never);
        return { ok: true, value: value ?? null };
      } catch (err) {
        return { ok: false, error: serializeError(err) };
      }
    });
  }
  ipcMain.handle(PICK_PATH_CHANNEL, async (e, raw: unknown): Promise<string | null> => {
    if (!trustedSender(e) || !mainWindow) return null;
    const req = raw as Partial<PickPathRequest> | null;
    const suggested = typeof req?.suggested === 'string' ? req.suggested : undefined;
    switch (req?.kind) {
      case 'folder':
      case 'export-folder': {
        const r = await dialog.showOpenDialog(mainWindow, { properties: ['openDirectory', 'createDirectory'] satisfies OpenDialogOptions['properties'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      }
      case 'open-project': {
        const r = await dialog.showOpenDialog(mainWindow, { properties: ['openFile'], filters: [{ name: 'Novelty Labeler project', extensions: ['nlproj'] }] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      }
      case 'save-project':
      case 'export-file': {
        const r = await dialog.showSaveDialog(mainWindow, {
          ...(suggested ? { defaultPath: suggested } : {}),
          filters: req.kind === 'save-project' ? [{ name: 'Novelty Labeler project', extensions: ['nlproj'] }] : [],
        });
        return r.canceled ? null : (r.filePath ?? null);
      }
      default:
        return null;
    }
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    backgroundColor: '#f4f5f7',
    title: 'Novelty Labeler',
    ...(fs.existsSync(ICON) ? { icon: ICON } : {}),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayHome = (e: { preventDefault(): void }, url: string): void => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  };
  win.webContents.on('will-navigate', stayHome);
  win.webContents.on('will-redirect', stayHome);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function main(): Promise<void> {
  await app.whenReady();
  // NL_DATA_DIR: app state elsewhere (tests; portable installs).
  const service = await LabelerService.create({ dataDir: process.env.NL_DATA_DIR || app.getPath('userData'), demoFolder: demoFolder(), autoEvaluate: true });

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
  ses.protocol.handle(APP_SCHEME, serveApp);
  ses.protocol.handle(IMAGE_SCHEME, (req) => serveImage(service, req));

  registerIpc(service);
  service.onEvent((event, payload) => {
    const win = mainWindow;
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, { event, payload } as EventMessage);
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  mainWindow = createWindow();
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => service.close());
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  main().catch((e: unknown) => {
    dialog.showErrorBox('Novelty Labeler could not start', e instanceof Error ? e.message : String(e));
    app.exit(1);
  });
}
