/** Constants of the contrastive embedder that code outside the worker needs (no tfjs import here). */

export const DEFAULT_CONTRASTIVE_BATCH = 256;

/**
 * Default epochs for a pool of n images: about 400 batches of 256 images' worth
 * of views, within 10..60 epochs (the reference run: 40 epochs on ~1,600 images).
 */
export function defaultContrastiveEpochs(poolSize: number): number {
  if (poolSize <= 0) return 1;
  return Math.max(10, Math.min(60, Math.round((400 * DEFAULT_CONTRASTIVE_BATCH) / poolSize)));
}
