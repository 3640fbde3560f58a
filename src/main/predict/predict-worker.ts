/**
 * Worker-thread entry of the angle predictor: stays alive while a project is
 * open and answers "what angle would the exemplar model give these images?"
 * from the labels committed so far (its own read-only SQLite connection sees
 * every committed label: WAL). The labeled images' model inputs are cached
 * and reloaded only when the label set changes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors.js';
import { periodOf, wrapDegrees } from '../../shared/angle.js';
import type { ImageId } from '../../shared/types.js';
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { predictExemplarAngles } from '../ml/exemplar-orientation.js';
import type { PredictRequest, PredictResponse, PredictWorkerInput } from './predict-protocol.js';

const input = workerData as PredictWorkerInput;
const port = parentPort!;
let store: ProjectStore | null = null;
let backendReady: Promise<unknown> | null = null;
let cache: { key: string; inputs: Uint8Array; angles: Float32Array } | null = null;

async function answer(req: PredictRequest): Promise<PredictResponse> {
  backendReady ??= selectBackend(input.backend);
  await backendReady;
  store ??= ProjectStore.open(input.projectPath, { readonly: true });
  const labels = store.currentLabels().filter((l) => l.value.kind === 'angle');
  const ids = labels.map((l) => l.imageId);
  const angles = Float32Array.from(labels, (l) => (l.value.kind === 'angle' ? l.value.angle : 0));
  const key = labels.map((l) => `${l.imageId}:${l.value.kind === 'angle' ? l.value.angle : ''}`).join(',');
  if (!cache || cache.key !== key) cache = { key, inputs: ids.length ? store.getModelInputs(ids).data : new Uint8Array(0), angles };
  const wanted = req.imageIds.filter((id) => store!.getImage(id)?.status === 'ready');
  if (ids.length === 0 || wanted.length === 0) {
    return { id: req.id, ok: true, predictions: req.imageIds.map((imageId) => ({ imageId, angle: null, similarity: null, exemplars: ids.length })) };
  }
  const { data, channels, size } = store.getModelInputs(wanted);
  const p = predictExemplarAngles(cache.inputs, cache.angles, data, wanted.length, size, channels, store.settings.axial);
  const byId = new Map<ImageId, number>(wanted.map((id, i) => [id, i]));
  return {
    id: req.id,
    ok: true,
    predictions: req.imageIds.map((imageId) => {
      const i = byId.get(imageId);
      return i === undefined
        ? { imageId, angle: null, similarity: null, exemplars: ids.length }
        : { imageId, angle: roundGuess(p.anglesDeg[i]!, store!.settings.axial), similarity: Math.round(p.similarity[i]! * 1000) / 1000, exemplars: ids.length };
    }),
  };
}

/** A guess to 0.1 degree (the readout's precision; accepted guesses are stored as shown), wrapped into [0, period). */
function roundGuess(angle: number, axial: boolean): number {
  return wrapDegrees(Math.round(angle * 10) / 10, periodOf(axial));
}

port.on('message', (req: PredictRequest) => {
  answer(req)
    .then((r) => port.postMessage(r))
    .catch((e: unknown) => port.postMessage({ id: req.id, ok: false, error: serializeError(mapStoreError(e, input.projectPath)) } satisfies PredictResponse));
});
port.on('close', () => store?.close());
