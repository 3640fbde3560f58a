/**
 * Resolve the image key of an imported row (labels or embeddings) to an image
 * of the project.
 *
 * Key kinds:
 * - `path`: relative to the imported folder ('/' or '\' separated, a leading
 *   './' is ignored), or absolute. A relative path that exists in two imported
 *   folders is ambiguous and refused; in a multi-folder project the export's
 *   form '<folder name>/<relative path>' is accepted too.
 * - `sha256`: the file's SHA-256 in hex (any case); an exact duplicate file
 *   shares it, so the pool image (first of its content) is the one meant.
 * - `id`: the image id in the project.
 */
import path from 'node:path';
import type { ProjectStore } from '../store/project-store.js';
import type { ImageId, ImageRecord } from '../../shared/types.js';

export const KEY_COLUMNS = ['path', 'sha256', 'id'] as const;
export type KeyKind = (typeof KEY_COLUMNS)[number];

export type KeyResolution =
  | { readonly ok: true; readonly image: ImageRecord }
  | { readonly ok: false; readonly reason: string };

/** Normalise a relative path as stored in the project: '/'-separated, no leading './'. */
export function normaliseRelPath(p: string): string {
  let s = p.trim().replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/\/{2,}/g, '/');
}

/**
 * Prefix of each imported folder's paths in an export: '' when the project has
 * one folder; else the folder's base name and '/', with '-<id>' appended when
 * two folders share a base name. Exports use it so equal relative paths in
 * different folders stay apart; imports accept it so exports read back.
 */
export function folderPrefixes(store: ProjectStore): Map<number, string> {
  const folders = store.listFolders();
  const prefixes = new Map<number, string>();
  if (folders.length <= 1) {
    for (const f of folders) prefixes.set(f.id, '');
    return prefixes;
  }
  const used = new Set<string>();
  for (const f of folders) {
    let name = path.basename(f.path) || `folder-${f.id}`;
    if (used.has(name)) name = `${name}-${f.id}`;
    used.add(name);
    prefixes.set(f.id, `${name}/`);
  }
  return prefixes;
}

/**
 * All images of a project indexed by id, absolute path, relative path and
 * SHA-256, built with one scan (store.listImages()) so that resolving N keys
 * costs O(N), not N queries over an unindexed column.
 */
export class ImageKeyIndex {
  private readonly byId = new Map<number, ImageRecord>();
  private readonly byAbs = new Map<string, ImageRecord>();
  private readonly byRel = new Map<string, ImageRecord[]>();
  private readonly bySha = new Map<string, ImageRecord[]>();
  /** '<folder prefix>/<relPath>' as written by exports of multi-folder projects. */
  private readonly byPrefixed = new Map<string, ImageRecord>();

  constructor(store: ProjectStore) {
    const prefixes = folderPrefixes(store);
    const folderOf = new Map(
      (store.db.prepare('SELECT id, folder_id FROM images').all() as { id: number; folder_id: number }[]).map((r) => [r.id, r.folder_id]),
    );
    for (const img of store.listImages()) {
      const prefix = prefixes.get(folderOf.get(img.id) ?? -1) ?? '';
      if (prefix) this.byPrefixed.set(prefix + img.relPath, img);
      this.byId.set(img.id, img);
      this.byAbs.set(img.path, img);
      const rel = this.byRel.get(img.relPath);
      if (rel) rel.push(img);
      else this.byRel.set(img.relPath, [img]);
      if (img.sha256) {
        const sha = this.bySha.get(img.sha256);
        if (sha) sha.push(img);
        else this.bySha.set(img.sha256, [img]);
      }
    }
  }

  get(id: ImageId): ImageRecord | null {
    return this.byId.get(id) ?? null;
  }

  /** Ready, non-duplicate images in id order (as store.listPoolImages()). */
  pool(): ImageRecord[] {
    return [...this.byId.values()].filter((i) => i.status === 'ready' && i.duplicateOf === null).sort((a, b) => a.id - b.id);
  }

  /** Find the image a key names; `reason` says why none is found. */
  resolve(kind: KeyKind, raw: string): KeyResolution {
    const value = raw.trim();
    if (value === '') return { ok: false, reason: `the ${kind} is empty` };
    if (kind === 'id') {
      if (!/^\d+$/.test(value)) return { ok: false, reason: `id "${raw}" is not an image id (a positive integer)` };
      const img = this.byId.get(Number(value));
      return img ? { ok: true, image: img } : { ok: false, reason: `no image with id ${value} in this project` };
    }
    if (kind === 'sha256') {
      const sha = value.toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(sha)) return { ok: false, reason: `sha256 "${raw}" is not 64 hexadecimal digits` };
      const found = this.bySha.get(sha) ?? [];
      if (found.length === 0) return { ok: false, reason: `no image with sha256 ${sha} in this project` };
      const pool = found.find((i) => i.status === 'ready' && i.duplicateOf === null);
      return { ok: true, image: pool ?? found[0]! };
    }
    if (path.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value)) {
      const img = this.byAbs.get(path.resolve(value));
      return img ? { ok: true, image: img } : { ok: false, reason: `no image at ${value} in this project` };
    }
    const rel = normaliseRelPath(value);
    const found = this.byRel.get(rel) ?? [];
    const prefixed = found.length === 0 ? this.byPrefixed.get(rel) : undefined;
    if (prefixed) return { ok: true, image: prefixed };
    if (found.length === 0) return { ok: false, reason: `no image with path "${rel}" (relative to an imported folder) in this project` };
    if (found.length > 1) {
      return {
        ok: false,
        reason: `path "${rel}" exists in ${found.length} imported folders (${found.map((f) => f.path).join(', ')}); give the absolute path or the sha256`,
      };
    }
    return { ok: true, image: found[0]! };
  }
}

/** The key column of a header: exactly one of path, sha256, id (in that order of preference when several). */
export function pickKeyColumn(header: readonly string[], allowed: readonly KeyKind[] = KEY_COLUMNS): { kind: KeyKind; index: number } | null {
  for (const k of allowed) {
    const i = header.indexOf(k);
    if (i >= 0) return { kind: k, index: i };
  }
  return null;
}
