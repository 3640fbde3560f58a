/**
 * Serialize tfjs Layers models to plain data the project store keeps
 * (ProjectStore.saveModel: `topology` as JSON, `weights` as a BLOB) and back.
 *
 * Uses tfjs's own IO handlers (tf.io.withSaveHandler / tf.io.fromMemory), so
 * the format is the standard tfjs "model.json + weights.bin" pair, with the
 * model.json object in `topology` and the concatenated weight buffer in
 * `weights`.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';

/** A model as stored: JSON-safe topology (incl. weight specs) and the raw little-endian weights. */
export interface SerializedModel {
  readonly topology: SerializedTopology;
  readonly weights: Uint8Array;
}

/** The JSON part: the tfjs model topology and the manifest of the weight buffer. */
export interface SerializedTopology {
  readonly format: 'layers-model';
  readonly modelTopology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly tfjsVersion: string;
}

/**
 * Serialize a Layers model (architecture + weights, no optimizer state).
 * @returns { topology, weights } ready for store.saveModel.
 */
export async function serializeModel(model: tf.LayersModel): Promise<SerializedModel> {
  let saved: SerializedModel | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buf = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      saved = {
        topology: {
          format: 'layers-model',
          modelTopology: artifacts.modelTopology as object,
          weightSpecs: artifacts.weightSpecs ?? [],
          tfjsVersion: tf.version.tfjs,
        },
        weights: new Uint8Array(buf.slice(0)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: false },
  );
  if (!saved) throw new AppError('internal', 'tfjs did not hand the model to the save handler');
  return saved;
}

/**
 * Rebuild a Layers model from serializeModel's output (e.g. a row of store.getModel()).
 * @throws AppError('invalid-file') when the topology is not a serialized layers model
 *   or the weights do not match it.
 */
export async function deserializeModel(s: { readonly topology: unknown; readonly weights: Uint8Array | null }): Promise<tf.LayersModel> {
  const t = s.topology as Partial<SerializedTopology> | null;
  if (!t || typeof t !== 'object' || t.format !== 'layers-model' || !t.modelTopology || !Array.isArray(t.weightSpecs)) {
    throw new AppError('invalid-file', 'stored model topology is not a serialized tfjs layers model; retrain it (embed again)');
  }
  if (!s.weights) throw new AppError('invalid-file', 'stored model has no weights; retrain it (embed again)');
  const w = s.weights;
  const buf = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer;
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology, weightSpecs: t.weightSpecs, weightData: buf }));
  } catch (e) {
    throw new AppError('invalid-file', `stored model could not be loaded (${e instanceof Error ? e.message : String(e)}); retrain it`, { cause: e });
  }
}
