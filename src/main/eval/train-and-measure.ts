/**
 * One point of a learning curve: train the orientation model on a labeled
 * set and measure its angular error on the labeled test split.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';
import { angularErrorDeg, periodOf, summarizeAngularErrors, type AnglePeriod, type Degrees, type ErrorSummary } from '../../shared/angle.js';
import type { ImageId, OrientationModelKind } from '../../shared/types.js';
import { exemplarOptionsFor, isExemplarModel, matchExemplars, predictFromMatches } from '../ml/exemplar-orientation.js';
import type { ProjectStore } from '../store/project-store.js';
import { deserializeModel } from '../ml/model-io.js';
import { createAutoencoder } from '../ml/autoencoder.js';
import type { OrientationAugment } from '../ml/rotation-augment.js';
import { trainOrientationModel, predictAngles, suggestedOrientationEpochs } from '../ml/orientation-model.js';

export const ORIENTATION_BATCH_SIZE = 32;

/** Epochs for a labeled set of n images (more passes for small sets; see suggestedOrientationEpochs). */
export function orientationEpochs(n: number): number {
  return suggestedOrientationEpochs(n);
}

/** A labeled set: images and their angles in degrees. */
export interface AngleSet {
  readonly ids: readonly ImageId[];
  readonly angles: Float32Array;
}

/** Model inputs and angles of a test set, loaded once for many trainings. */
export interface LoadedTestSet {
  readonly n: number;
  readonly inputs: Uint8Array;
  readonly angles: Float32Array;
}

export function loadTestSet(store: ProjectStore, set: AngleSet): LoadedTestSet {
  const { data } = store.getModelInputs(set.ids);
  return { n: set.ids.length, inputs: data, angles: set.angles };
}

/** The stored autoencoder's encoder, or an untrained one when embeddings were imported. */
export async function loadEncoder(store: ProjectStore): Promise<tf.LayersModel> {
  const m = store.latestModel('autoencoder');
  if (m && m.weights) return deserializeModel({ topology: m.topology, weights: m.weights });
  const { inputSize, latentDim, colorMode, seed } = store.settings;
  // Embeddings were imported: start the orientation model from an untrained encoder.
  const ae = createAutoencoder({ inputSize, channels: colorMode === 'rgb' ? 3 : 1, latentDim, seed });
  ae.decoder.dispose();
  return ae.encoder;
}

/** An error summary with the angular error of every test image (in the test set's order), for bootstrap intervals. */
export type MeasuredErrors = ErrorSummary & { readonly errors: Float32Array };

/** summarizeAngularErrors plus the per-image errors. */
export function measureErrors(predicted: ArrayLike<number>, truth: ArrayLike<number>, period: AnglePeriod): MeasuredErrors {
  const errors = new Float32Array(truth.length);
  // both arrays hold degrees; typed arrays carry no brand per element
  for (let i = 0; i < truth.length; i++) errors[i] = angularErrorDeg(predicted[i]! as Degrees, truth[i]! as Degrees, period);
  return { ...summarizeAngularErrors(predicted, truth, period), errors };
}

/**
 * The exemplar model's error on `test` for every prefix size of `train` (the
 * first n labels of an order): one match against all of train, then each
 * prefix takes its best exemplar among its first n (predictFromMatches), so a
 * curve over sizes costs one match instead of one per size.
 * @param sizes prefix sizes, each 1..train.ids.length.
 * @returns one ErrorSummary (with per-image errors) per size, in the order given.
 */
export function measureExemplarPrefixes(
  store: ProjectStore,
  train: AngleSet,
  test: LoadedTestSet,
  sizes: readonly number[],
  inputs?: { readonly data: Uint8Array; readonly channels: number },
  /** Which exemplar model ('exemplar' or 'aligned-exemplar'; default: the project's setting when it is one, else 'exemplar'). */
  model?: OrientationModelKind,
): MeasuredErrors[] {
  const axial = store.settings.axial;
  const { data, channels } = inputs ?? store.getModelInputs(train.ids);
  const kind = model ?? (isExemplarModel(store.settings.orientationModel) ? store.settings.orientationModel : 'exemplar');
  const matches = matchExemplars(data, train.ids.length, test.inputs, test.n, store.settings.inputSize, channels, exemplarOptionsFor(kind));
  return sizes.map((n) => measureErrors(predictFromMatches(matches, train.angles, n, axial).anglesDeg, test.angles, periodOf(axial)));
}

/**
 * Train the project's orientation model (settings.orientationModel, or
 * opts.model) on `train` (seeded) and measure its angular error on `test`.
 * 'exemplar' needs no training: the labeled images are matched directly
 * (src/main/ml/exemplar-orientation.ts); 'regressor' fine-tunes the encoder
 * (src/main/ml/orientation-model.ts).
 * @throws AppError('not-enough-labels') when either set is empty.
 */
export async function trainAndMeasure(
  store: ProjectStore,
  /** The encoder the regressor starts from; null is fine for the exemplar model, which needs none. */
  encoder: tf.LayersModel | null,
  train: AngleSet,
  test: LoadedTestSet,
  opts: {
    readonly seed: number;
    readonly signal?: AbortSignal;
    readonly epochs?: number;
    readonly augment?: OrientationAugment;
    readonly model?: OrientationModelKind;
  },
): Promise<MeasuredErrors> {
  if (train.ids.length < 1) throw new AppError('not-enough-labels', 'no labeled training images with an angle yet');
  if (test.n < 1) throw new AppError('not-enough-labels', 'no labeled test-split images yet; label some with "next --test" first');
  const axial = store.settings.axial;
  const { data, channels } = store.getModelInputs(train.ids);
  const kind = opts.model ?? store.settings.orientationModel;
  if (isExemplarModel(kind)) {
    if (opts.signal?.aborted) throw new AppError('cancelled', 'evaluation was cancelled');
    return measureExemplarPrefixes(store, train, test, [train.ids.length], { data, channels }, kind)[0]!;
  }
  if (!encoder) throw new AppError('internal', 'the regressor needs the encoder: load it with loadEncoder(store)');
  const { model } = await trainOrientationModel({
    encoder,
    inputs: data,
    n: train.ids.length,
    anglesDeg: train.angles,
    axial,
    epochs: opts.epochs ?? orientationEpochs(train.ids.length),
    batchSize: ORIENTATION_BATCH_SIZE,
    seed: opts.seed,
    ...(opts.augment ? { augment: opts.augment } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    const predicted = predictAngles(model, test.inputs, test.n);
    return measureErrors(predicted, test.angles, periodOf(axial));
  } finally {
    model.model.dispose();
  }
}
