/**
 * Embed stage: make the project's latent space (settings.embedder: the polar
 * Fourier descriptors, or a trained embedder, the convolutional autoencoder or
 * the contrastive one) from the pool's model inputs (no labels needed), store
 * the trained encoder if any, write one embedding per image and the 2-D PCA
 * projection for the latent map. Or import embeddings made elsewhere (.npy / .csv).
 */
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ProjectStore } from '../store/project-store.js';
import { pca2d } from '../ml/pca.js';
import { polarFourierEmbeddings } from '../ml/polar-fourier.js';
import { readEmbeddingsFile } from '../import/embeddings-import.js';
import { EMBED_CANCELLED as cancelledMessage, type EmbedResult, type JobContext, type JobSpec } from './job-types.js';
import type { ImageId } from '../../shared/types.js';

export async function runEmbedJob(store: ProjectStore, spec: Extract<JobSpec, { kind: 'embed' }>, ctx: JobContext): Promise<EmbedResult> {
  if (spec.fromFile) {
    ctx.progress({ done: 0, total: 1, message: `reading embeddings from ${spec.fromFile}` });
    const { ids, dim, data } = await readEmbeddingsFile(store, spec.fromFile);
    const { projection } = pca2d(data, ids.length, dim);
    store.saveEmbeddings({ modelId: null, source: path.basename(spec.fromFile), backend: null, loss: null, ids, dim, data, pca: projection });
    ctx.progress({ done: 1, total: 1, message: `imported ${ids.length} embeddings of dimension ${dim}` });
    return { modelId: null, backend: null, loss: null, count: ids.length };
  }

  const { ids, data, channels } = store.getModelInputs();
  if (ids.length < 2) {
    throw new AppError('not-enough-labels', `the project has ${ids.length} ready image(s); import a folder with at least 2 readable images before "embed"`);
  }
  const kind = spec.embedder ?? store.settings.embedder;
  // Called first inside the commit that stores the new embeddings: a cancel that arrived by then writes
  // nothing, and the setting changes with the embeddings, never before (a failed run leaves both as they were).
  const adopt = (): void => {
    if (ctx.cancelled?.() ?? ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
    if (store.settings.embedder !== kind) store.updateSettings({ embedder: kind });
  };
  if (kind === 'polar-fourier') return runPolarFourier(store, { ids, data, channels }, ctx, adopt);
  // TensorFlow.js loads only for the trained embedders: it costs seconds of start-up the default does not need.
  const { runTrainedEmbedder } = await import('./embed-trained.js');
  return runTrainedEmbedder(store, kind, { ids, data, channels }, spec, ctx, adopt);
}

/** Polar Fourier descriptors on the pool's own principal axes: no training, no tensors, no backend. */
function runPolarFourier(
  store: ProjectStore,
  inputs: { ids: readonly ImageId[]; data: Uint8Array; channels: number },
  ctx: JobContext,
  adopt: () => void,
): EmbedResult {
  const { inputSize, latentDim } = store.settings;
  const { ids, data, channels } = inputs;
  const n = ids.length;
  ctx.progress({ done: 0, total: n, unit: 'images', message: `polar Fourier descriptors of ${n} images` });
  let last = performance.now();
  // The descriptors are one synchronous run: the signal's timer cannot fire during it, so read the flag itself.
  const cancelled = (): boolean => ctx.cancelled?.() ?? ctx.signal.aborted;
  const { embeddings, dim, explained } = polarFourierEmbeddings(data, n, inputSize, channels, latentDim, {}, (done) => {
    if (cancelled()) throw new AppError('cancelled', cancelledMessage);
    const now = performance.now();
    if (now - last < 500) return;
    last = now;
    ctx.progress({ done, total: n, unit: 'images', message: `polar Fourier descriptors: ${done} of ${n} images` });
  });
  if (cancelled()) throw new AppError('cancelled', cancelledMessage);
  // The embeddings are already principal-axis coordinates: their first two columns are the latent map's PCA plane.
  const projection = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    projection[2 * i] = embeddings[i * dim]!;
    projection[2 * i + 1] = dim > 1 ? embeddings[i * dim + 1]! : 0;
  }
  store.transaction(() => {
    adopt();
    store.saveEmbeddings({ modelId: null, source: 'polar-fourier', backend: null, loss: null, ids, dim, data: embeddings, pca: projection });
  });
  ctx.progress({
    done: n,
    total: n,
    unit: 'images',
    message: `embedded ${n} images: polar Fourier descriptors on ${dim} principal axes (${(100 * explained).toFixed(0)} % of their variance)`,
  });
  return { modelId: null, backend: null, loss: null, count: n, explained };
}
