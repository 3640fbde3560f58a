/**
 * HTTP client of the local transport (src/main/http/http-transport.ts).
 * The access token comes from <meta name="nl-token"> (injected by the server
 * into index.html) and is sent as the X-NL-Token header on every call; the
 * event stream and images authenticate with the HttpOnly session cookie the
 * server set when the start URL was opened.
 */
import type { ApiEvents, ApiResult, EventName, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import type { ImageId } from '../../shared/types.js';
import { ApiCallError, type DesktopApi } from './desktop-api.js';

const EVENT_NAMES: readonly EventName[] = ['job:progress', 'job:done', 'labels:changed', 'curve:changed', 'order:changed'];

export function createHttpApi(doc: Document = document): DesktopApi {
  const token = doc.querySelector('meta[name="nl-token"]')?.getAttribute('content') ?? '';
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  const ensureSource = (): void => {
    if (source) return;
    source = new EventSource('api/events');
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        let payload: unknown;
        try {
          payload = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of listeners.get(name) ?? []) (l as (p: unknown) => void)(payload);
      });
    }
  };

  return {
    transport: 'http',
    async invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      let res: Response;
      try {
        res = await fetch(`api/${op}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-NL-Token': token },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
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
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    imageUrl(id: ImageId): string {
      return `image/${id}`;
    },
  };
}
