/**
 * Worker-thread entry of the angle predictor: stays alive while a project is
 * open and answers "what angle would the exemplar model give these images?"
 * from the labels committed so far (its own read-only SQLite connection sees
 * every committed label: WAL). The labeled images are normalized once into an
 * ExemplarBank; a new label adds one row, an undo or a changed label rebuilds it.
 * The guess is the default exemplar model's (GUESS_MODEL), whatever model the
 * project's learning curve measures: it is the most accurate one measured.
 */
import { periodOf, wrapDegrees, type Degrees } from '../../shared/angle.js';
import { DEFAULT_SETTINGS, type AnglePrediction, type ImageId, type OrientationModelKind } from '../../shared/types.js';
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { ExemplarBank, exemplarOptionsFor, isExemplarModel, predictFromMatches } from '../ml/exemplar-orientation.js';
import { serveRequests, workerStartData } from '../workers/serve-requests.js';
import type { PredictRequest, PredictWorkerInput } from './predict-protocol.js';

/** The model the labeling widget's guess comes from: the default orientation model (the aligned exemplar model if the default is ever a trained one). */
const GUESS_MODEL: OrientationModelKind = isExemplarModel(DEFAULT_SETTINGS.orientationModel) ? DEFAULT_SETTINGS.orientationModel : 'aligned-exemplar';

const input = workerStartData<PredictWorkerInput>();
let store: ProjectStore | null = null;
let backendReady: Promise<unknown> | null = null;
/** The labeled images already in the bank, in bank order: "imageId:angle". */
let bankKeys: string[] = [];
let bank: ExemplarBank | null = null;
let bankAngles: number[] = [];

async function answer(req: PredictRequest): Promise<readonly AnglePrediction[]> {
  backendReady ??= selectBackend(input.backend);
  await backendReady;
  store ??= ProjectStore.open(input.projectPath, { readonly: true });
  const labels = store.currentLabels().filter((l) => l.value.kind === 'angle');
  const keys = labels.map((l) => `${l.imageId}:${l.value.kind === 'angle' ? l.value.angle : ''}`);
  // New labels arrive at the end (label ids grow): add only those; an undo or a changed label rebuilds the bank.
  const extends_ = bank !== null && keys.length >= bankKeys.length && bankKeys.every((k, i) => keys[i] === k);
  if (!extends_) {
    bank?.dispose();
    bank = null;
    bankKeys = [];
    bankAngles = [];
  }
  const fresh = labels.slice(bankKeys.length);
  if (fresh.length > 0) {
    const { data, size, channels } = store.getModelInputs(fresh.map((l) => l.imageId));
    bank ??= new ExemplarBank(size, channels, exemplarOptionsFor(GUESS_MODEL));
    bank.add(data, fresh.length);
    bankKeys = keys;
    bankAngles = bankAngles.concat(fresh.map((l) => (l.value.kind === 'angle' ? l.value.angle : 0)));
  }
  const wanted = req.imageIds.filter((id) => store!.getImage(id)?.status === 'ready');
  if (labels.length === 0 || wanted.length === 0) {
    return req.imageIds.map((imageId) => ({ imageId, angle: null, similarity: null, exemplars: labels.length }));
  }
  const { data, channels, size } = store.getModelInputs(wanted);
  if (!bank || size !== bank.s || channels !== bank.ch) throw new Error(`model inputs changed shape (${size} px x ${channels}); reopen the project`);
  const p = predictFromMatches(bank.match(data, wanted.length), bankAngles, bankAngles.length, store.settings.axial);
  const byId = new Map<ImageId, number>(wanted.map((id, i) => [id, i]));
  return req.imageIds.map((imageId) => {
    const i = byId.get(imageId);
    return i === undefined
      ? { imageId, angle: null, similarity: null, exemplars: labels.length }
      : {
          imageId,
          angle: roundGuess(p.anglesDeg[i]!, store!.settings.axial),
          similarity: Math.round(p.similarity[i]! * 1000) / 1000,
          exemplars: labels.length,
        };
  });
}

/** A guess to 0.1 degree (the readout's precision; accepted guesses are stored as shown), wrapped into [0, period). */
function roundGuess(angle: number, axial: boolean): Degrees {
  return wrapDegrees(Math.round(angle * 10) / 10, periodOf(axial));
}

serveRequests<PredictRequest, readonly AnglePrediction[]>(answer, {
  mapError: (e) => mapStoreError(e, input.projectPath),
  onClose: () => {
    bank?.dispose();
    store?.close();
  },
});
