/** Worker-thread entry for backend.test.ts: the engine's functions inside a worker. */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, backendSelection } from '../../src/main/ml/backend.js';
import { encodeImages, trainAutoencoder } from '../../src/main/ml/autoencoder.js';
import { pca2d } from '../../src/main/ml/pca.js';
import { serializeModel } from '../../src/main/ml/model-io.js';

const { images, n, size } = workerData as { images: Uint8Array; n: number; size: number };
const backend = await selectBackend('wasm');
const r = await trainAutoencoder(images, { n, inputSize: size, channels: 1, latentDim: 4, epochs: 2, batchSize: 16, seed: 1 });
const emb = encodeImages(r.encoder, images, n);
const { explained } = pca2d(emb, n, 4);
const s = await serializeModel(r.encoder);
parentPort!.postMessage({ backend, attempts: backendSelection()!.attempts.length, loss: r.loss, emb, explained, weightBytes: s.weights.byteLength });
