/**
 * Operations on labels and images that programs (the CLI, a script over HTTP)
 * ask for by reference: find an image by id or path, import a labels CSV,
 * read one as ground truth, store labels a simulated annotator gives. The
 * annotator's own labels go through `label:set` and its policy instead.
 */
import path from 'node:path';
import type { FileLabel, RequestOf, ResponseOf } from '../../shared/api.js';
import { AppError } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { readLabelsCsv } from '../import/labels-import.js';

/** An image given by id or by path (absolute, relative to the working folder, or relative to its imported folder). */
export function resolveImage(store: ProjectStore, { ref }: RequestOf<'images:resolve'>): ResponseOf<'images:resolve'> {
  if (/^\d+$/.test(ref)) {
    const img = store.getImage(Number(ref) as ImageId);
    if (!img) throw new AppError('not-found', `no image with id ${ref} in ${store.path}; "next --json" lists ids`);
    return { imageId: img.id };
  }
  const byAbs = store.findImageByPath(path.resolve(ref));
  if (byAbs) return { imageId: byAbs.id };
  const byRel = store.findImagesByRelPath(ref.split(path.sep).join('/'));
  if (byRel.length === 1) return { imageId: byRel[0]!.id };
  if (byRel.length > 1)
    throw new AppError('invalid-argument', `"${ref}" matches ${byRel.length} images in different folders; give the id or the absolute path`);
  throw new AppError('not-found', `no image "${ref}" in ${store.path}; give its id (see "next --json") or its path`);
}

/** The labels of a CSV file, checked against the project's images; nothing stored. */
export function readLabelsFile(store: ProjectStore, { file }: RequestOf<'labels:read'>): FileLabel[] {
  return readLabelsCsv(store, file).map((r) => ({ imageId: r.imageId, value: r.value }));
}

/** Store a labels CSV in one transaction (see `labels:import` in the contract). */
export function importLabelsFile(store: ProjectStore, { file, annotator, source, split }: RequestOf<'labels:import'>): ResponseOf<'labels:import'> {
  const rows = readLabelsCsv(store, file);
  const from = source ?? 'import';
  const who = annotator ?? from;
  if (split === 'test') {
    const value = new Map(rows.map((r) => [r.imageId, r.value]));
    const test = store.unlabeledTestImages().filter((i) => value.has(i.id));
    const imported = store.addLabels(test.map((i) => ({ imageId: i.id, value: value.get(i.id)!, annotator: who, arm: 'test' as const, source: from })));
    return { imported, replaced: 0, unchanged: 0 };
  }
  // Which rows replace a different label already in the project (said, never silent), and which
  // repeat it: re-importing an export must not restamp who labeled what and when.
  // One write transaction: another process importing or labeling at the same time sees all of it or none.
  return store.transaction(() => {
    const before = new Map(store.currentLabels().map((l) => [l.imageId, JSON.stringify(l.value)]));
    const changed = rows.filter((r) => before.get(r.imageId) !== JSON.stringify(r.value));
    const replaced = changed.filter((r) => before.has(r.imageId)).length;
    const imported = store.addLabels(changed.map((r) => ({ imageId: r.imageId, value: r.value, annotator: who, source: from })));
    return { imported, replaced, unchanged: rows.length - changed.length };
  });
}

/** Store labels a program gives, all or none. */
export function addProgramLabels(store: ProjectStore, { labels, annotator, source }: RequestOf<'labels:add'>): ResponseOf<'labels:add'> {
  const added = store.addLabels(
    labels.map((l) => ({
      imageId: l.imageId,
      value: l.value,
      annotator,
      source,
      ...(l.arm ? { arm: l.arm } : {}),
      ...(l.durationMs !== undefined ? { durationMs: l.durationMs } : {}),
    })),
  );
  return { added };
}
