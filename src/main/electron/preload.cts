/**
 * Preload bridge (sandboxed, CommonJS: compiled to preload.cjs). Exposes one
 * object, window.noveltyLabeler, typed by the API contract (BridgeApi); the
 * renderer gets nothing else: no ipcRenderer, no Node.
 * A sandboxed preload may require only 'electron' (and a few built-ins), so
 * the channel constants are repeated here; their types pin them to
 * ipc-channels.ts, so a mismatch does not compile.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResult, EventName, OperationName, RequestOf, ResponseOf, ApiEvents } from '../../shared/api.js';
import type { ImageId } from '../../shared/types.js';
import type * as Channels from './ipc-channels.js';

const INVOKE_PREFIX: typeof Channels.INVOKE_PREFIX = 'nl:invoke:';
const EVENT_CHANNEL: typeof Channels.EVENT_CHANNEL = 'nl:event';
const PICK_PATH_CHANNEL: typeof Channels.PICK_PATH_CHANNEL = 'nl:pick-path';
const IMAGE_SCHEME: typeof Channels.IMAGE_SCHEME = 'nl-image';
const IMAGE_HOST: typeof Channels.IMAGE_HOST = 'img';

const bridge: Channels.BridgeApi = {
  async invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
    const channel: Channels.InvokeChannel<K> = `${INVOKE_PREFIX}${op}`;
    const result = (await ipcRenderer.invoke(channel, request)) as ApiResult<ResponseOf<K>>;
    if (!result.ok) throw new Error(`[${result.error.code}] ${result.error.message}`);
    return result.value;
  },
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    const handler = (_e: IpcRendererEvent, msg: Channels.EventMessage): void => {
      if (msg.event === event) listener(msg.payload as ApiEvents[E]);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  imageUrl(id: ImageId): string {
    return `${IMAGE_SCHEME}://${IMAGE_HOST}/${Number(id)}`;
  },
  pickPath(kind: Channels.PathDialogKind, suggested?: string): Promise<string | null> {
    const req: Channels.PickPathRequest = suggested === undefined ? { kind } : { kind, suggested };
    return ipcRenderer.invoke(PICK_PATH_CHANNEL, req) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('noveltyLabeler', bridge);
