/**
 * Project settings and the names they choose among (embedders, orientation
 * models, queue strategies). Terms follow docs/architecture.md; re-exported by types.ts.
 */

export type ColorMode = 'gray' | 'rgb';

/** Project settings, fixed at creation except where noted. */
export interface ProjectSettings {
  /** Side of the square model input in px (default 64). */
  readonly inputSize: number;
  /** Length of an embedding (default 32). */
  readonly latentDim: number;
  /** Objects with no front: angles in [0, 180). */
  readonly axial: boolean;
  /** Share of images held out as the test split (default 0.1, at most testMax images). */
  readonly testFraction: number;
  readonly testMax: number;
  readonly colorMode: ColorMode;
  /** Seed of the test split and the random orders. */
  readonly seed: number;
  /** Queue strategy used by `next` and the app (changeable). */
  readonly strategy: StrategyName;
  /** Which orientation model the learning curve and compare measure (changeable; see ORIENTATION_MODELS). */
  readonly orientationModel: OrientationModelKind;
  /**
   * Turns averaged into each embedding (1 = the plain latent vector; default 8:
   * the mean latent vector of the image turned by 0, 45, ..., 315 degrees, a
   * rotation-pooled embedding, so novelty is about what an image shows, not
   * which way it points).
   */
  readonly embeddingTurns: number;
  /**
   * What makes the latent space (changeable; takes effect at the next embed):
   * 'polar-fourier' (turn-, shift-, scale- and contrast-invariant polar Fourier
   * descriptors on the pool's principal axes; no training), 'autoencoder' (the
   * paper's convolutional autoencoder, reconstruction loss) or 'contrastive'
   * (SimCLR-style NT-Xent over augmented views: rotation, shift, scale,
   * lighting, blur and noise do not count as novelty). See EMBEDDERS.
   */
  readonly embedder: EmbedderKind;
}

export const EMBEDDERS = ['polar-fourier', 'autoencoder', 'contrastive'] as const;
export type EmbedderKind = (typeof EMBEDDERS)[number];

export const DEFAULT_SETTINGS: ProjectSettings = {
  inputSize: 64,
  latentDim: 32,
  axial: false,
  testFraction: 0.1,
  testMax: 500,
  colorMode: 'gray',
  seed: 1,
  strategy: 'probcover',
  orientationModel: 'aligned-exemplar',
  embeddingTurns: 8,
  embedder: 'polar-fourier',
};

/**
 * Orientation models:
 * - 'exemplar': rotation-aware nearest-exemplar matching (no training; src/main/ml/exemplar-orientation.ts).
 * - 'aligned-exemplar': the same, with every image first shifted so its contrast centroid is at the centre
 *   (turning is about the centre, so a few pixels of shift otherwise break the match).
 * - 'regressor': the (sin, cos) regressor fine-tuned from the autoencoder's encoder (src/main/ml/orientation-model.ts).
 */
export const ORIENTATION_MODELS = ['exemplar', 'aligned-exemplar', 'regressor'] as const;
export type OrientationModelKind = (typeof ORIENTATION_MODELS)[number];

/** Queue strategies. 'interleaved' alternates the default novelty strategy and random. */
export const STRATEGIES = ['fps', 'random', 'typiclust', 'probcover', 'guarded-fps', 'fps-medoid', 'interleaved'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
