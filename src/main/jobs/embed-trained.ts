/**
 * The trained embedders of the embed stage (TensorFlow.js): the convolutional
 * autoencoder and the contrastive embedder. Each stores its encoder and its
 * embeddings in one transaction; a failed or cancelled run writes nothing.
 */
import { AppError, isAppError } from '../../shared/errors.js';
import type { ProjectStore } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { trainAutoencoder, encodeImages } from '../ml/autoencoder.js';
import { serializeModel } from '../ml/model-io.js';
import { trainContrastive, encodeContrastive, DEFAULT_TEMPERATURE } from '../ml/contrastive.js';
import { pca2d } from '../ml/pca.js';
import { EMBED_CANCELLED as cancelledMessage, type EmbedResult, type JobContext, type JobSpec } from './job-types.js';
import type { ComputeBackend, EmbedderKind, ImageId } from '../../shared/types.js';

export const AUTOENCODER_BATCH_SIZE = 32;

/** What a failed or cancelled training run says: it writes nothing, so the previous model and embeddings stay. */
function trainingError(e: unknown, what: 'autoencoder' | 'contrastive', backend: ComputeBackend): AppError {
  if (isAppError(e) && e.code === 'cancelled') return new AppError('cancelled', cancelledMessage);
  if (isAppError(e)) return e;
  return new AppError(
    'training-failed',
    `${what} training failed on the ${backend} backend (${e instanceof Error ? e.message : String(e)}); the previous model and embeddings stay in use`,
    { cause: e },
  );
}

export async function runTrainedEmbedder(
  store: ProjectStore,
  kind: Exclude<EmbedderKind, 'polar-fourier'>,
  inputs: { ids: readonly ImageId[]; data: Uint8Array; channels: number },
  spec: Extract<JobSpec, { kind: 'embed' }>,
  ctx: JobContext,
  adopt: () => void,
): Promise<EmbedResult> {
  const { inputSize, latentDim, seed, embeddingTurns } = store.settings;
  const { ids, data, channels } = inputs;
  const backend = await selectBackend(spec.backend);
  ctx.log(`backend: ${backend}`);
  const epochs = Math.max(1, Math.floor(spec.epochs));
  if (kind === 'contrastive') return runContrastive(store, inputs, epochs, backend, ctx, adopt);
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
    throw trainingError(e, 'autoencoder', backend);
  }
  if (ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
  ctx.progress({
    done: epochs,
    total: epochs,
    message: embeddingTurns > 1 ? `writing rotation-pooled embeddings (${embeddingTurns} turns)` : 'writing embeddings',
  });
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
        ctx.progress({
          done: (epoch * batchesTotal) / epochs,
          total: batchesTotal,
          message: `epoch ${epoch}/${epochs}: contrastive loss ${loss.toFixed(4)}`,
          loss,
        });
      },
    });
  } catch (e) {
    throw trainingError(e, 'contrastive', backend);
  }
  try {
    if (ctx.signal.aborted) throw new AppError('cancelled', cancelledMessage);
    ctx.progress({
      done: batchesTotal,
      total: batchesTotal,
      message: embeddingTurns > 1 ? `writing rotation-pooled embeddings (${embeddingTurns} turns)` : 'writing embeddings',
    });
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
