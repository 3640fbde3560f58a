/**
 * The labeling operations of LabelerService: the queue (next, upcoming,
 * predict), one label (set, undo, skip) and labels in bulk (list, import,
 * read, add), with what follows a label (events, background work, the
 * answer of what the view shows next).
 */
import type { NextRequest, NextUp } from '../../shared/api.js';
import { AppError } from '../../shared/errors.js';
import type { ImageId, LabelRecord, ProjectStatus } from '../../shared/types.js';
import { decideLabel } from '../policy/label-policy.js';
import { GUESS_BUDGET_MS, nextUp, queueEntries, testEntries } from './label-path.js';
import { addProgramLabels, importLabelsFile, readLabelsFile } from './label-operations.js';
import type { Handlers, ServiceContext } from './service-context.js';

type LabelOperation =
  | 'queue:next'
  | 'queue:upcoming'
  | 'queue:predict'
  | 'label:set'
  | 'label:undo'
  | 'label:skip'
  | 'labels:list'
  | 'labels:import'
  | 'labels:read'
  | 'labels:add';

export function labelHandlers(ctx: ServiceContext): Pick<Handlers, LabelOperation> {
  return {
    'queue:next': async ({ count, mode }) => {
      const store = ctx.project();
      const n = Math.max(0, Math.min(1000, Math.floor(count)));
      return mode === 'test' ? testEntries(store, n) : queueEntries(store, n);
    },

    'queue:upcoming': async (req) => nextUpOf(ctx, req),

    'queue:predict': async ({ imageIds }) => ctx.predictor().predict(imageIds),

    'label:set': async ({ imageId, angle, durationMs, annotator, arm, next }) => {
      const store = ctx.project();
      // The policy checks the image and the angle and decides target, value and arm; the store only writes.
      const d = decideLabel(
        { imageId, angle, ...(arm ? { arm } : {}) },
        { given: store.getImage(imageId), targetOf: (img) => store.labelTarget(img), queueArm: (id) => armOf(ctx, id), axial: store.settings.axial },
      );
      const label = store.insertLabel({
        imageId: d.target.id,
        value: d.value,
        annotator: ctx.annotator(annotator),
        durationMs: durationMs ?? null,
        arm: d.arm,
        source: 'annotator',
      });
      ctx.sessionLabels().push(label.id);
      const after = await labelsChanged(ctx, next);
      return after === undefined ? label : { ...label, next: after };
    },

    'label:undo': async () => {
      // Undo only a label this session made, never another window's or process's
      // (they may share the annotator name); one already undone elsewhere is passed over.
      let undone: LabelRecord | null = null;
      const session = ctx.sessionLabels();
      while (undone === null && session.length > 0) undone = ctx.project().undoLabel(session.pop()!);
      ctx.emit('labels:changed', { labeled: ctx.project().labelCounts().labeled });
      if (!undone) return null;
      const img = ctx.project().getImage(undone.imageId);
      return { ...undone, image: img ? { path: img.path, relPath: img.relPath, width: img.width, height: img.height } : null };
    },

    'label:skip': async ({ imageId, next }) => {
      if (!ctx.project().getImage(imageId)) throw new AppError('not-found', `no image with id ${imageId} in this project`);
      ctx.project().skipImage(imageId);
      return next ? nextUpAfterWrite(ctx, next) : null;
    },

    'labels:list': async () => ctx.project().currentLabels(),

    'labels:import': async (request) => labelsStored(ctx, importLabelsFile(ctx.project(), request)),

    'labels:read': async (request) => readLabelsFile(ctx.project(), request),

    'labels:add': async (request) => labelsStored(ctx, addProgramLabels(ctx.project(), request)),
  };
}

/**
 * After a label: tell every UI the counts, start background work the new
 * count calls for, and (asked with `next`) answer what the view shows next.
 * The label counts are read once: from the status when the answer carries
 * one, else on their own.
 */
async function labelsChanged(ctx: ServiceContext, next: NextRequest | undefined): Promise<NextUp | null | undefined> {
  const store = ctx.project();
  const status = next ? store.status() : null;
  const counts = status ? { labeled: status.labeled, testLabeled: status.testSplit.labeled } : store.labelCounts();
  ctx.emit('labels:changed', { labeled: counts.labeled });
  ctx.afterLabels(counts);
  return next ? nextUpAfterWrite(ctx, next, status ?? undefined) : undefined;
}

/** nextUp after a write that has succeeded: a failure here must not look like a failed write, so it answers null. */
async function nextUpAfterWrite(ctx: ServiceContext, req: NextRequest, status?: ProjectStatus): Promise<NextUp | null> {
  try {
    return await nextUpOf(ctx, req, status);
  } catch {
    return null;
  }
}

/** The status, the images to show after `req.showing` and, when asked, their guesses (within the budget). */
function nextUpOf(ctx: ServiceContext, req: NextRequest, known?: ProjectStatus): Promise<NextUp> {
  return nextUp(ctx.project(), req, known, (ids) => ctx.predictor().predict(ids), ctx.options.guessBudgetMs ?? GUESS_BUDGET_MS);
}

/** After a batch of labels: tell the views, as label:set does. */
function labelsStored<T>(ctx: ServiceContext, result: T): T {
  ctx.emit('labels:changed', { labeled: ctx.project().labelCounts().labeled });
  return result;
}

/** Arm of the active order that queued this image (for interleaved queues). */
function armOf(ctx: ServiceContext, imageId: ImageId): 'novelty' | 'random' | 'none' {
  return ctx.project().armOf(imageId);
}
