/**
 * Pick the transport: the Electron preload bridge when present, else HTTP.
 * Bridge errors arrive as Error("[code] message") (an Error's own properties do
 * not survive contextBridge); they are turned back into ApiCallError here.
 */
import type { ApiEvents, EventName, NoveltyLabelerApi, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import { ApiCallError, type DesktopApi, type PathDialogKind } from './desktop-api.js';
import { createHttpApi } from './http-api.js';

interface BridgeApi extends NoveltyLabelerApi {
  pickPath?(kind: PathDialogKind, suggested?: string): Promise<string | null>;
}

declare global {
  interface Window {
    noveltyLabeler?: BridgeApi;
  }
}

function fromBridgeError(e: unknown): ApiCallError {
  const text = e instanceof Error ? e.message : String(e);
  const m = /\[([a-z-]+)\] ([\s\S]*)$/.exec(text);
  return m ? new ApiCallError(m[1] as ErrorCode, m[2]!) : new ApiCallError('internal', text);
}

export async function createApi(win: Window = window): Promise<DesktopApi> {
  const bridge = win.noveltyLabeler;
  if (!bridge) return createHttpApi(win);
  const api: DesktopApi = {
    transport: 'electron',
    async invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      try {
        return await bridge.invoke(op, request);
      } catch (e) {
        throw fromBridgeError(e);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      return bridge.on(event, listener);
    },
    imageUrl(id: ImageId): string {
      return bridge.imageUrl(id);
    },
    ...(bridge.pickPath ? { pickPath: (kind: PathDialogKind, suggested?: string) => bridge.pickPath!(kind, suggested) } : {}),
  };
  return api;
}
