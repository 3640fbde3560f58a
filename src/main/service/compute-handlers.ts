/**
 * The operations of LabelerService that run engine work on the open project:
 * import, embedding, ordering, evaluation, comparison, the latent map and
 * export (most of them as jobs in worker threads).
 */
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import { STRATEGIES, type LatentPoint, type StrategyName } from '../../shared/types.js';
import { exportLabels } from '../export/export-labels.js';
import type { JobSpec } from '../jobs/job-types.js';
import { defaultContrastiveEpochs } from '../ml/contrastive-defaults.js';
import { resolveImage } from './label-operations.js';
import type { Handlers, ServiceContext } from './service-context.js';

type ComputeOperation =
  | 'images:import'
  | 'images:unreadable'
  | 'images:resolve'
  | 'embed:run'
  | 'order:run'
  | 'evaluate:run'
  | 'compare:run'
  | 'curve:get'
  | 'latent:map'
  | 'export:run'
  | 'job:cancel';

export function computeHandlers(ctx: ServiceContext): Pick<Handlers, ComputeOperation> {
  return {
    'images:import': async ({ folder, test }) => ctx.runJob({ kind: 'import', folder: path.resolve(folder), ...(test ? { test: true } : {}) }),

    'images:unreadable': async () => ctx.project().listImages({ status: 'unreadable' }),

    'images:resolve': async (request) => resolveImage(ctx.project(), request),

    'embed:run': async ({ epochs, backend, fromFile, embedder }) => {
      const kind = embedder && !fromFile ? embedder : ctx.project().settings.embedder;
      const spec: JobSpec = {
        kind: 'embed',
        ...(embedder && !fromFile ? { embedder } : {}),
        epochs: epochs ?? (kind === 'contrastive' ? defaultContrastiveEpochs(ctx.project().poolSize()) : defaultEpochs(ctx.project().poolSize())),
        backend: ctx.backendChoice(backend),
        seed: ctx.project().settings.seed,
        ...(fromFile ? { fromFile: path.resolve(fromFile) } : {}),
      };
      const r = await ctx.runJob(spec);
      if (r.backend) ctx.setLastBackend(r.backend);
      return r;
    },

    'order:run': async ({ strategy, seed }) => {
      const store = ctx.project();
      if (!store.embeddingInfo()) throw new AppError('no-embedding', 'the project has no embeddings yet; run "embed" first');
      const s: StrategyName = strategy ?? store.settings.strategy;
      if (!STRATEGIES.includes(s)) throw new AppError('invalid-argument', `strategy must be one of ${STRATEGIES.join(', ')}; got "${String(s)}"`);
      // the setting changes in the commit that makes the new queue active, never before it
      const r = await ctx.runJob({
        kind: 'order',
        strategy: s,
        seed: seed ?? store.settings.seed,
        saveStrategy: strategy !== undefined && strategy !== store.settings.strategy,
      });
      // the worker's commit may have changed the strategy setting: this connection's copy is stale
      store.reloadSettings();
      ctx.emit('order:changed', r);
      return r;
    },

    'evaluate:run': async () => {
      const points = await ctx.runJob({ kind: 'evaluate', backend: ctx.backendChoice() });
      ctx.emit('curve:changed', { points: ctx.project().curvePoints() });
      return points;
    },

    'compare:run': async ({ truthFile, sizes, seeds, strategies, outDir, overwrite, orientationModel }) => {
      const r = await ctx.runJob({
        kind: 'compare',
        backend: ctx.backendChoice(),
        ...(truthFile ? { truthFile: path.resolve(truthFile) } : {}),
        sizes,
        seeds,
        strategies: strategies ?? ['fps', 'random'],
        ...(outDir ? { outDir: path.resolve(outDir), overwrite: overwrite ?? false } : {}),
        ...(orientationModel ? { orientationModel } : {}),
      });
      ctx.emit('curve:changed', { points: ctx.project().curvePoints() });
      return r;
    },

    'curve:get': async () => ctx.project().curvePoints(),

    'latent:map': async () => {
      const store = ctx.project();
      const labeled = new Set(store.currentLabels().map((l) => l.imageId));
      const next = new Set(store.activeOrder() ? store.queue(10).map((q) => q.imageId) : []);
      const test = new Set(
        store
          .listPoolImages()
          .filter((i) => i.inTestSplit)
          .map((i) => i.id),
      );
      return store.getPcaPoints().map((p): LatentPoint => ({
        ...p,
        // Test-split images stay 'test' when labeled: they are held out, never training labels.
        state: next.has(p.imageId) ? 'next' : test.has(p.imageId) ? 'test' : labeled.has(p.imageId) ? 'labeled' : 'unlabeled',
      }));
    },

    'export:run': async ({ format, out, upright, overwrite }) =>
      exportLabels(ctx.project(), { format, out: path.resolve(out), upright: upright ?? false, overwrite: overwrite ?? false }),

    'job:cancel': async ({ jobId }) => {
      ctx.cancelJob(jobId);
      return null;
    },
  };
}

/** Autoencoder epochs by pool size: enough gradient steps for small pools, few passes for large ones. */
export function defaultEpochs(poolSize: number): number {
  if (poolSize <= 0) return 1;
  const stepsWanted = 1500;
  const batch = 32;
  return Math.max(3, Math.min(40, Math.round((stepsWanted * batch) / poolSize)));
}
