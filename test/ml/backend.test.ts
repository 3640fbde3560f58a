/**
 * Backend selection: preference order with reasons, forced backends that are
 * missing are refused, and the engine runs inside a worker thread.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { backendSelection, describeBackendSelection, selectBackend } from '../../src/main/ml/backend.js';
import { encodeImages, trainAutoencoder } from '../../src/main/ml/autoencoder.js';
import { isAppError } from '../../src/shared/errors.js';
import { fashionImages, placeAndRotate } from './fixtures.js';

const require = createRequire(import.meta.url);
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

describe('selectBackend', () => {
  it('auto takes the first backend that initialises, in order, and records why the others failed', async () => {
    const b = await selectBackend('auto');
    const sel = backendSelection()!;
    expect(sel.backend).toBe(b);
    const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    expect(sel.attempts.map((a) => a.backend)).toEqual(order.slice(0, order.indexOf(b) + 1));
    for (const a of sel.attempts.slice(0, -1)) {
      expect(a.ok).toBe(false);
      expect(a.reason).toBeTruthy();
    }
    if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) {
      expect(b).toBe('wasm');
      expect(describeBackendSelection()).toMatch(/^wasm \(unavailable: tensorflow-gpu: .+; tensorflow: .+\)$/);
    }
  });

  it('a forced backend that is not installed is refused with backend-unavailable and the reason', async () => {
    if (installed('@tensorflow/tfjs-node')) return; // nothing to refuse on this machine
    try {
      await selectBackend('tensorflow');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('backend-unavailable');
      expect((e as Error).message).toMatch(/tensorflow.*not available/);
    }
  });

  it('cpu and wasm train the same model to the same loss (kernels agree)', async () => {
    const n = 32;
    const images = placeAndRotate(fashionImages(n), n, 16);
    const opts = { n, inputSize: 16, channels: 1, latentDim: 4, epochs: 2, batchSize: 16, seed: 2 };
    const run = async (b: 'cpu' | 'wasm') => {
      expect(await selectBackend(b)).toBe(b);
      const r = await trainAutoencoder(images, opts);
      const e = encodeImages(r.encoder, images, n);
      r.encoder.dispose();
      r.decoder.dispose();
      return { loss: r.loss, e };
    };
    const c = await run('cpu');
    const w = await run('wasm');
    for (let i = 0; i < 2; i++) expect(w.loss[i]).toBeCloseTo(c.loss[i]!, 4);
    let maxDiff = 0;
    for (let i = 0; i < c.e.length; i++) maxDiff = Math.max(maxDiff, Math.abs(c.e[i]! - w.e[i]!));
    expect(maxDiff).toBeLessThan(1e-2);
  });

  it('rejects unknown backend names', async () => {
    await expect(selectBackend('gpu' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('in a worker thread', () => {
  it('selects wasm, trains, encodes, projects and serializes', async () => {
    const n = 48;
    const size = 16;
    const images = placeAndRotate(fashionImages(n), n, size);
    // The product runs compiled JS in its workers; here tsx's loader is registered in the worker first.
    const entry = new URL('./worker-entry.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { images, n, size } });
    const msg = await new Promise<{ backend: string; loss: number[]; emb: Float32Array; explained: [number, number]; weightBytes: number }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    expect(msg.backend).toBe('wasm');
    expect(msg.loss).toHaveLength(2);
    expect(msg.loss[1]).toBeLessThan(msg.loss[0]!);
    expect(msg.emb).toHaveLength(n * 4);
    expect(msg.explained[0]).toBeGreaterThan(0);
    expect(msg.weightBytes).toBeGreaterThan(0);
  });
});
