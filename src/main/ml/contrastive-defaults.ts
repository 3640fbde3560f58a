/** Constants of the contrastive embedder that code outside the worker needs (no tfjs import here). */

export const DEFAULT_CONTRASTIVE_BATCH = 256;

/**
 * Images per batch for an input size. Training memory grows with batch x side^2
 * (measured peak RSS on wasm at 64 px: 1.55 GB at batch 256, 0.90 GB at 128), so
 * larger inputs take smaller batches and a 100,000-image project stays under 2 GB.
 */
export function defaultContrastiveBatch(inputSize: number): number {
  if (inputSize <= 32) return DEFAULT_CONTRASTIVE_BATCH;
  if (inputSize <= 64) return 128;
  return 64;
}

/**
 * Default epochs for a pool of n images: about 400 batches of 256 images' worth
 * of views, within 10..60 epochs (the reference run: 40 epochs on ~1,600 images).
 */
export function defaultContrastiveEpochs(poolSize: number): number {
  if (poolSize <= 0) return 1;
  return Math.max(10, Math.min(60, Math.round((400 * DEFAULT_CONTRASTIVE_BATCH) / poolSize)));
}
