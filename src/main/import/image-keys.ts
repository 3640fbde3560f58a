/**
 * Resolve the image key of an imported row (labels or embeddings) to an image
 * of the project.
 *
 * Key kinds:
 * - `path`: relative to the imported folder ('/' or '\' separated, a leading
 *   './' is ignored), or absolute. In a multi-folder project the export's form
 *   '<folder prefix>/<relative path>' (folderPrefixes) is accepted too. A path
 *   that names more than one image - the same relative path in two folders, or
 *   one folder's relative path that is another's export path - is ambiguous:
 *   resolve() refuses it naming the candidates' export paths, and
 *   resolvePath() returns every candidate so a sha256 can choose.
 *   A CSV export neutralises spreadsheet formulas by prefixing "'" to cells
 *   that start with = + - @ (csv-formula.ts); such a path is read back as the
 *   path without the quote (both forms are candidates when both exist).
 * - `sha256`: the file's SHA-256 in hex (any case); an exact duplicate file
 *   shares it, so the pool image (first of its content) is the one meant.
 * - `id`: the image id in the project.
 */
import path from 'node:path';
import type { ProjectStore } from '../store/project-store.js';
import type { ImageId, ImageRecord } from '../../shared/types.js';
import { unquoteSafeCell } from '../io/csv-formula.js';

export const KEY_COLUMNS = ['path', 'sha256', 'id'] as const;
export type KeyKind = (typeof KEY_COLUMNS)[number];

export type KeyResolution =
  | { readonly ok: true; readonly image: ImageRecord }
  | { readonly ok: false; readonly reason: string; /** No image has this key (as opposed to a malformed or ambiguous key). */ readonly unknown?: boolean };

/** Normalise a relative path as stored in the project: '/'-separated, no leading './'. */
export function normaliseRelPath(p: string): string {
  let s = p.trim().replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/\/{2,}/g, '/');
}

/**
 * Prefix of each imported folder's paths in an export: '' when the project has
 * one folder; else one path segment and '/': the folder's base name, or, when
 * that is taken (compared case-insensitively, so the folder export also works
 * on case-insensitive file systems), '<name>-<id>', then '<name>-<id>-2',
 * '<name>-<id>-3'... until free. Folders are taken in id order, so adding a
 * folder never renames an existing one's prefix (except the first time a
 * second folder arrives). Distinct single-segment prefixes make the export
 * paths prefix + relPath unique by construction. Exports use it so equal
 * relative paths in different folders stay apart; imports accept it so exports
 * read back.
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
    const base = path.basename(f.path).replace(/[\\/]/g, '_') || `folder-${f.id}`;
    let name = base;
    for (let k = 1; used.has(name.toLowerCase()); k++) name = k === 1 ? `${base}-${f.id}` : `${base}-${f.id}-${k}`;
    used.add(name.toLowerCase());
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
  /** Export path (prefix + relPath) of each image, by id. */
  private readonly exportPathOf = new Map<number, string>();

  constructor(store: ProjectStore) {
    const prefixes = folderPrefixes(store);
    const folderOf = store.folderOfEachImage();
    for (const img of store.listImages()) {
      const prefix = prefixes.get(folderOf.get(img.id) ?? -1) ?? '';
      if (prefix) this.byPrefixed.set(prefix + img.relPath, img);
      this.exportPathOf.set(img.id, prefix + img.relPath);
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

  /** The path an export writes for an image (folder prefix + relative path). */
  exportPath(img: ImageRecord): string {
    return this.exportPathOf.get(img.id) ?? img.relPath;
  }

  /** Ready, non-duplicate images in id order (as store.listPoolImages()). */
  pool(): ImageRecord[] {
    return [...this.byId.values()].filter((i) => i.status === 'ready' && i.duplicateOf === null).sort((a, b) => a.id - b.id);
  }

  /**
   * Every image a path key can name (see the module doc), in id order:
   * none, one, or several when the path is ambiguous. `shown` is the path as
   * it appears in messages (normalised when relative).
   */
  resolvePath(raw: string): { readonly shown: string; readonly candidates: readonly ImageRecord[] } {
    const value = raw.trim();
    const forms = [value];
    const unquoted = unquoteSafeCell(value);
    if (unquoted !== null) forms.push(unquoted);
    const found = new Map<number, ImageRecord>();
    let shown = value;
    for (const [i, v] of forms.entries()) {
      if (path.isAbsolute(v) || /^[A-Za-z]:[\\/]/.test(v)) {
        const img = this.byAbs.get(path.resolve(v));
        if (img) found.set(img.id, img);
        continue;
      }
      const rel = normaliseRelPath(v);
      if (i === 0) shown = rel;
      for (const img of this.byRel.get(rel) ?? []) found.set(img.id, img);
      const prefixed = this.byPrefixed.get(rel);
      if (prefixed) found.set(prefixed.id, prefixed);
    }
    return { shown, candidates: [...found.values()].sort((a, b) => a.id - b.id) };
  }

  /** Why a path with several candidates is refused, naming their export paths. */
  ambiguity(shown: string, candidates: readonly ImageRecord[]): string {
    return (
      `path "${shown}" is ambiguous: it matches ${candidates.length} images (${candidates.map((c) => `"${this.exportPath(c)}"`).join(', ')}, ` +
      `as the export names them); give the absolute path, or add a sha256 column`
    );
  }

  /** Parse a sha256 key; null when it is not 64 hex digits. */
  static parseSha(raw: string): string | null {
    const sha = raw.trim().toLowerCase();
    return /^[0-9a-f]{64}$/.test(sha) ? sha : null;
  }

  /** Find the image a key names; `reason` says why none (or no single one) is found. */
  resolve(kind: KeyKind, raw: string): KeyResolution {
    const value = raw.trim();
    if (value === '') return { ok: false, reason: `the ${kind} is empty` };
    if (kind === 'id') {
      if (!/^\d+$/.test(value)) return { ok: false, reason: `id "${raw}" is not an image id (a positive integer)` };
      const img = this.byId.get(Number(value));
      return img ? { ok: true, image: img } : { ok: false, reason: `no image with id ${value} in this project`, unknown: true };
    }
    if (kind === 'sha256') {
      const sha = ImageKeyIndex.parseSha(value);
      if (sha === null) return { ok: false, reason: `sha256 "${raw}" is not 64 hexadecimal digits` };
      const found = this.bySha.get(sha) ?? [];
      if (found.length === 0) return { ok: false, reason: `no image with sha256 ${sha} in this project`, unknown: true };
      const pool = found.find((i) => i.status === 'ready' && i.duplicateOf === null);
      return { ok: true, image: pool ?? found[0]! };
    }
    const { shown, candidates } = this.resolvePath(value);
    if (candidates.length === 0) {
      const absolute = path.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value);
      return {
        ok: false,
        reason: absolute ? `no image at ${value} in this project` : `no image with path "${shown}" (relative to an imported folder) in this project`,
        unknown: true,
      };
    }
    if (candidates.length > 1) return { ok: false, reason: this.ambiguity(shown, candidates) };
    return { ok: true, image: candidates[0]! };
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
