/**
 * Embed stage: make the project's latent space (settings.embedder: the polar
 * Fourier descriptors, or a trained embedder, the convolutional autoencoder or
 * the contrastive one) from the pool's model inputs (no labels needed), store
 * the trained encoder if any, write one embedding per image and the 2-D PCA
 * projection for the latent map. Or import embeddings made elsewhere (.npy / .csv).
 */
import path from 'node:path';
import { AppError, isAppError } from '../../shared/errors.js';
import type { ProjectStore } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { trainAutoencoder, encodeImages } from '../ml/autoencoder.js';
import { serializeModel } from '../ml/model-io.js';
import { trainContrastive, encodeContrastive, DEFAULT_TEMPERATURE } from '../ml/contrastive.js';
import { pca2d } from '../ml/pca.js';
import { polarFourierEmbeddings } from '../ml/polar-fourier.js';
import { readEmbeddingsFile } from '../import/embeddings-import.js';
import type { EmbedResult, JobContext, JobSpec } from './job-types.js';
import type { ComputeBackend, ImageId } from '../../shared/types.js';

export const AUTOENCODER_BATCH_SIZE = 32;

export async function runEmbedJob(store: ProjectStore, spec: Extract<JobSpec, { kind: 'embed' }>, ctx: JobContext): Promise<EmbedResult> {
  if (spec.fromFile) {
    ctx.progress({ done: 0, total: 1, message: `reading embeddings from ${spec.fromFile}` });
    const { ids, dim, data } = await readEmbeddingsFile(store, spec.fromFile);
    const { projection } = pca2d(data, ids.length, dim);
    store.saveEmbeddings({ modelId: null, source: path.basename(spec.fromFile), backend: null, loss: null, ids, dim, data, pca: projection });
    ctx.progress({ done: 1, total: 1, message: `imported ${ids.length} embeddings of dimension ${dim}` });
    return { modelId: null, backend: null, loss: null, count: ids.length };
  }

  const { inputSize, latentDim, seed, embeddingTurns } = store.settings;
  const { ids, data, channels } = store.getModelInputs();
  if (ids.length < 2) {
    throw new AppError('not-enough-labels', `the project has ${ids.length} ready image(s); import a folder with at least 2 readable images before "embed"`);
  }
  const kind = spec.embedder ?? store.settings.embedder;
  // The setting changes in the commit that stores the new embeddings, never before: a failed run leaves both as they were.
  const adopt = (): void => {
    if (store.settings.embedder !== kind) store.updateSettings({ embedder: kind });
  };
  if (kind === 'polar-fourier') return runPolarFourier(store, { ids, data, channels }, ctx, adopt);
  const backend = await selectBackend(spec.backend);
  ctx.log(`backend: ${backend}`);
  const epochs = Math.max(1, Math.floor(spec.epochs));
  if (kind === 'contrastive') return runContrastive(store, { ids, data, channels }, epochs, backend, ctx, adopt);
  ctx.progress({ done: 0, total: epochs, message: `training autoencoder on ${ids.length} images (${backend})` });
  let trained: Awaited<ReturnType<typeof trainAutoencoder>>;
  try {
    trained = await trainAutoencoder(data, {
      n: ids.length,
      inputSize,
      channels,
      latentDim,
      epochs,
      batchSize: AUTOENCODER_BATCH_SIZE,
      seed,
      signal: ctx.signal,
      onEpoch: (epoch, loss) => ctx.progress({ done: epoch, total: epochs, message: `epoch ${epoch}/${epochs}: reconstruction loss ${loss.toFixed(5)}`, loss }),
    });
  } catch (e) {
    // A failed or cancelled run writes nothing: say so, and why.
    if (isAppError(e) && e.code === 'cancelled') throw new AppError('cancelled', 'embedding was cancelled; the previous embeddings stay in use');
    if (isAppError(e)) throw e;
    throw new AppError('training-failed', `autoencoder training failed on the ${backend} backend (${e instanceof Error ? e.message : String(e)}); the previous model and embeddings stay in use`, { cause: e });
  }
  if (ctx.signal.aborted) throw new AppError('cancelled', 'embedding was cancelled; the previous embeddings stay in use');
  ctx.progress({ done: epochs, total: epochs, message: embeddingTurns > 1 ? `writing rotation-pooled embeddings (${embeddingTurns} turns)` : 'writing embeddings' });
  const embeddings = encodeImages(trained.encoder, data, ids.length, 256, embeddingTurns);
  const { projection } = pca2d(embeddings, ids.length, latentDim);
  const serialized = await serializeModel(trained.encoder);
  const modelId = store.transaction(() => {
    adopt();
    const id = store.saveModel({
      kind: 'autoencoder',
      backend,
      params: { inputSize, latentDim, channels, epochs, batchSize: AUTOENCODER_BATCH_SIZE, seed, embeddingTurns },
      topology: serialized.topology,
      weights: serialized.weights,
      metrics: { loss: trained.loss, imagesPerSecond: trained.imagesPerSecond, seconds: trained.seconds },
    });
    store.saveEmbeddings({ modelId: id, source: 'autoencoder', backend, loss: trained.finalLoss, ids, dim: latentDim, data: embeddings, pca: projection });
    return id;
  });
  trained.encoder.dispose();
  trained.decoder.dispose();
  return { modelId, backend, loss: trained.finalLoss, count: ids.length };
}

const cancelledMessage = 'embedding was cancelled; the previous embeddings stay in use';

/** Polar Fourier descriptors on the pool's own principal axes: no training, no tensors, no backend. */
function runPolarFourier(store: ProjectStore, inputs: { ids: readonly ImageId[]; data: Uint8Array; channels: number }, ctx: JobContext, adopt: () => void): EmbedResult {
  const { inputSize, latentDim } = store.settings;
  const { ids, data, channels } = inputs;
  const n = ids.length;
  ctx.progress({ done: 0, total: n, unit: 'images', message: `polar Fourier descriptors of ${n} images` });
  let last = performance.now();
  const { embeddings, dim, explained } = polarFourierEmbeddings(data, n, inputSize, channels, latentDim, {}, (done) => {
    if (ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
    const now = performance.now();
    if (now - last < 500) return;
    last = now;
    ctx.progress({ done, total: n, unit: 'images', message: `polar Fourier descriptors: ${done} of ${n} images` });
  });
  if (ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
  const { projection } = pca2d(embeddings, n, dim);
  store.transaction(() => {
    adopt();
    store.saveEmbeddings({ modelId: null, source: 'polar-fourier', backend: null, loss: null, ids, dim, data: embeddings, pca: projection });
  });
  ctx.progress({ done: n, total: n, unit: 'images', message: `embedded ${n} images: polar Fourier descriptors on ${dim} principal axes (${(100 * explained).toFixed(0)} % of their variance)` });
  return { modelId: null, backend: null, loss: null, count: n, explained };
}

/** Train the contrastive embedder, store its encoder and write L2-normalised embeddings. */
async function runContrastive(
  store: ProjectStore,
  inputs: { ids: readonly ImageId[]; data: Uint8Array; channels: number },
  epochs: number,
  backend: ComputeBackend,
  ctx: JobContext,
  adopt: () => void,
): Promise<EmbedResult> {
  const { inputSize, seed, embeddingTurns } = store.settings;
  const { ids, data, channels } = inputs;
  ctx.progress({ done: 0, total: epochs, message: `training contrastive embedder on ${ids.length} images (${backend})` });
  let trained: Awaited<ReturnType<typeof trainContrastive>>;
  let lastReport = 0;
  let lastLoss: number | null = null;
  let batchesTotal = epochs;
  try {
    trained = await trainContrastive(data, {
      n: ids.length,
      inputSize,
      channels,
      epochs,
      seed,
      signal: ctx.signal,
      // Progress per batch too (at most about once a second), so time left moves within long epochs;
      // only the per-epoch reports carry the loss (the app lists one loss per epoch).
      onBatch: (done, total) => {
        batchesTotal = total;
        const now = performance.now();
        if (now - lastReport < 1000 || done % (total / epochs) === 0) return;
        lastReport = now;
        const epoch = Math.floor((done * epochs) / total) + 1;
        ctx.progress({ done, total, message: `epoch ${epoch}/${epochs}${lastLoss === null ? '' : ` (last epoch's contrastive loss ${lastLoss.toFixed(4)})`}` });
      },
      onEpoch: (epoch, loss) => {
        lastLoss = loss;
        lastReport = performance.now();
        ctx.progress({ done: (epoch * batchesTotal) / epochs, total: batchesTotal, message: `epoch ${epoch}/${epochs}: contrastive loss ${loss.toFixed(4)}`, loss });
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'cancelled') throw new AppError('cancelled', cancelledMessage);
    if (isAppError(e)) throw e;
    throw new AppError('training-failed', `contrastive training failed on the ${backend} backend (${e instanceof Error ? e.message : String(e)}); the previous model and embeddings stay in use`, { cause: e });
  }
  try {
    if (ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
    ctx.progress({ done: batchesTotal, total: batchesTotal, message: embeddingTurns > 1 ? `writing rotation-pooled embeddings (${embeddingTurns} turns)` : 'writing embeddings' });
    const embeddings = encodeContrastive(trained.encoder, data, ids.length, 256, embeddingTurns);
    const dim = embeddings.length / ids.length;
    const { projection } = pca2d(embeddings, ids.length, dim);
    const serialized = await serializeModel(trained.encoder);
    const modelId = store.transaction(() => {
      adopt();
      const id = store.saveModel({
        kind: 'contrastive',
        backend,
        params: {
          inputSize,
          channels,
          dim,
          filters: trained.config.filters,
          projectionDim: trained.config.projectionDim,
          temperature: DEFAULT_TEMPERATURE,
          epochs,
          batchSize: trained.batchSize,
          seed,
          embeddingTurns,
          // How to feed the stored encoder: pixels / 255, outside the inscribed disc set to the rim mean (canonicalizeDisc), output L2-normalised.
          input: 'disc-masked',
          normalized: true,
        },
        topology: serialized.topology,
        weights: serialized.weights,
        metrics: { loss: trained.loss, imagesPerSecond: trained.imagesPerSecond, seconds: trained.seconds },
      });
      store.saveEmbeddings({ modelId: id, source: 'contrastive', backend, loss: trained.finalLoss, ids, dim, data: embeddings, pca: projection });
      return id;
    });
    return { modelId, backend, loss: trained.finalLoss, count: ids.length };
  } finally {
    trained.encoder.dispose();
  }
}
