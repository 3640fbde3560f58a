/**
 * HTTP client of the local transport (src/main/http/http-transport.ts).
 *
 * No credential ever lives in a cookie (cookies reach every server on
 * 127.0.0.1, whatever its port). The access token arrives in the address's
 * fragment (#token=..., never sent to a server); the page reads it once,
 * removes it from the address bar and keeps it in memory and in this tab's
 * sessionStorage (per origin, port included; cleared when the tab closes), so
 * a reload keeps working. It is sent as the X-NL-Token header on every call
 * and on the event stream (read with fetch, not EventSource, which cannot
 * send headers). Images use capability URLs image/<view key>/<id>: the view
 * key is made by the server for this page (POST session with the token) and
 * opens images only.
 */
import type { ApiEvents, ApiResult, EventName, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import type { ImageId } from '../../shared/types.js';
import { ApiCallError, type DesktopApi } from './desktop-api.js';

const EVENT_NAMES: readonly EventName[] = ['job:progress', 'job:done', 'labels:changed', 'curve:changed', 'order:changed'];
/** sessionStorage key of the token (sessionStorage is per tab and per origin, port included). */
export const TOKEN_STORAGE_KEY = 'nl-token';
const RECONNECT_MS = 2000;

export const NO_TOKEN_MESSAGE =
  'This page needs the access token of the running app: open the address printed by `npm start` / `npm run serve` (it ends in #token=...). ' +
  'The token is kept for this tab only; a new tab or a restarted app needs the printed address again.';

/**
 * The token from the address's fragment (then removed from the address bar,
 * history entry included) or, after a reload, from this tab's sessionStorage.
 */
export function takeToken(win: Window): string {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(win.location.hash);
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = null; // storage disabled: the token lives in memory only (a reload then needs the address again)
  }
  if (m) {
    storage?.setItem(TOKEN_STORAGE_KEY, m[1]!);
    win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
    return m[1]!;
  }
  return storage?.getItem(TOKEN_STORAGE_KEY) ?? '';
}

/** Split Server-Sent-Events text into complete frames; returns the unfinished rest. */
export function parseSseFrames(buffer: string, onFrame: (event: string, data: string) => void): string {
  let rest = buffer.replace(/\r\n/g, '\n');
  for (let end = rest.indexOf('\n\n'); end >= 0; end = rest.indexOf('\n\n')) {
    const frame = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) onFrame(event, data.join('\n'));
  }
  return rest;
}

/**
 * Connect to the local server: take the token, ask for this page's view key.
 * A missing or stale token (the app was restarted) leaves `accessProblem` set
 * and the stored token cleared.
 */
export async function createHttpApi(win: Window = window): Promise<DesktopApi> {
  let token = takeToken(win);
  let viewKey = '';
  let accessProblem: string | null = token === '' ? NO_TOKEN_MESSAGE : null;
  if (token !== '') {
    try {
      const res = await fetch('session', { method: 'POST', headers: { 'X-NL-Token': token }, credentials: 'omit', cache: 'no-store' });
      if (res.status === 401 || res.status === 403) {
        try {
          win.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
        } catch {
          // storage disabled: nothing stored
        }
        token = '';
        accessProblem = `The access token of this tab is not the running app's (was the app restarted?). ${NO_TOKEN_MESSAGE}`;
      } else {
        const body = (await res.json()) as ApiResult<{ viewKey: string }>;
        if (body.ok) viewKey = body.value.viewKey;
      }
    } catch (e) {
      accessProblem = `The app's local server is not answering (${e instanceof Error ? e.message : String(e)}); is it still running?`;
    }
  }

  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let streaming = false;

  const dispatch = (event: string, data: string): void => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const l of listeners.get(event as EventName) ?? []) (l as (p: unknown) => void)(payload);
  };

  /** The event stream over fetch with the token header; reconnects after a drop, stops on 401/403. */
  const stream = async (): Promise<void> => {
    for (;;) {
      try {
        const res = await fetch('api/events', { headers: { 'X-NL-Token': token, Accept: 'text/event-stream' }, credentials: 'omit', cache: 'no-store' });
        if (res.status === 401 || res.status === 403) return;
        if (res.ok && res.body) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer = parseSseFrames(buffer + value, dispatch);
          }
        }
      } catch {
        // dropped (server restarting, laptop asleep): try again below
      }
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  };

  return {
    transport: 'http',
    ...(accessProblem !== null ? { accessProblem } : {}),
    async invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      let res: Response;
      try {
        res = await fetch(`api/${op}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-NL-Token': token },
          body: JSON.stringify(request ?? {}),
          credentials: 'omit',
        });
      } catch (e) {
        throw new ApiCallError('network', `the app's local server is not answering (${e instanceof Error ? e.message : String(e)}); is it still running?`);
      }
      let body: ApiResult<ResponseOf<K>>;
      try {
        body = (await res.json()) as ApiResult<ResponseOf<K>>;
      } catch {
        throw new ApiCallError('internal', `${op}: the server answered ${res.status} without a result`);
      }
      if (!body.ok) throw new ApiCallError(body.error.code, body.error.message);
      return body.value;
    },
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      if (!streaming && token !== '') {
        streaming = true;
        void stream();
      }
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    imageUrl(id: ImageId): string {
      return `image/${viewKey}/${id}`;
    },
  };
}
