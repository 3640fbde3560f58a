/**
 * The IPC channel map between the Electron main process and the preload
 * bridge. One invoke channel per operation of the API contract
 * (`nl:invoke:<operation>`), one channel for pushed events, one for native
 * path dialogs; and the two custom URL schemes. The sandboxed preload cannot
 * require this module at run time, so it repeats the constants and the
 * compiler checks them against the types exported here.
 * (Style: GitHub Desktop's typed IPC channel maps.)
 */
import { rendererCsp } from '../security/renderer-files.js';
import type { ApiEvents, EventName, NoveltyLabelerApi, OperationName } from '../../shared/api.js';

export const INVOKE_PREFIX = 'nl:invoke:' as const;
export const EVENT_CHANNEL = 'nl:event' as const;
export const PICK_PATH_CHANNEL = 'nl:pick-path' as const;

/** The renderer's pages: nl-app://app/index.html (standard, secure; 'self' in the CSP). */
export const APP_SCHEME = 'nl-app' as const;
export const APP_HOST = 'app' as const;
/** Images of the open project by id: nl-image://img/<id>. */
export const IMAGE_SCHEME = 'nl-image' as const;
export const IMAGE_HOST = 'img' as const;

export type InvokeChannel<K extends OperationName = OperationName> = `${typeof INVOKE_PREFIX}${K}`;

export function invokeChannel<K extends OperationName>(op: K): InvokeChannel<K> {
  return `${INVOKE_PREFIX}${op}`;
}

/** What travels on EVENT_CHANNEL. */
export type EventMessage = { [E in EventName]: { readonly event: E; readonly payload: ApiEvents[E] } }[EventName];

/** Native dialogs the shell offers (mirrors src/renderer/api/desktop-api.ts PathDialogKind). */
export type PathDialogKind = 'folder' | 'open-project' | 'save-project' | 'export-file' | 'export-folder';
export interface PickPathRequest {
  readonly kind: PathDialogKind;
  readonly suggested?: string;
}

/**
 * window.noveltyLabeler as exposed by the preload: the API contract plus the
 * native path dialog. Errors reject with Error("[<code>] <message>") because
 * an Error's own properties do not survive contextBridge.
 */
export interface BridgeApi extends NoveltyLabelerApi {
  pickPath(kind: PathDialogKind, suggested?: string): Promise<string | null>;
}

/** CSP of the renderer in Electron (sent as a header by the nl-app protocol). */
export const ELECTRON_CSP = rendererCsp([`${IMAGE_SCHEME}:`]);
