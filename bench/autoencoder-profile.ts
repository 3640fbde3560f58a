/**
 * Where one autoencoder training step spends its time, per tfjs kernel
 * (tf.profile over --steps steps, averaged: one step's split varies with the load and GC; nested calls
 * inside our wasm kernels are counted in the outer kernel).
 *
 *   node --import tsx bench/autoencoder-profile.ts [--backend wasm] [--size 64] [--batch 32] [--filters 8] [--steps 5]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/main/ml/backend.js';
import { createAutoencoder, disposeAutoencoder } from '../src/main/ml/autoencoder.js';
import type { ComputeBackend } from '../src/shared/types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const backend = await selectBackend(arg('backend', 'wasm') as ComputeBackend);
const s = Number(arg('size', '64'));
const batch = Number(arg('batch', '32'));
const ae = createAutoencoder({ inputSize: s, channels: 1, latentDim: 32, seed: 1, filters: Number(arg('filters', '8')) });
const opt = tf.train.adam(1e-3);
const x = tf.randomUniform([batch, s, s, 1]);
const step = () => {
  const c = opt.minimize(() => tf.losses.meanSquaredError(x, ae.autoencoder.apply(x) as tf.Tensor) as tf.Scalar, true);
  c?.dataSync();
  c?.dispose();
};
step();
step();
const steps = Number(arg('steps', '5'));
const prof = await tf.profile(() => {
  for (let i = 0; i < steps; i++) step();
});
const agg = new Map<string, number>();
for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number) / steps);
const total = [...agg.values()].reduce((a, b) => a + b, 0);
console.log(`backend ${backend}, ${s}px, batch ${batch}: kernel time ${total.toFixed(1)} ms per step (mean of ${steps})`);
for (const [k, v] of [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${k.padEnd(24)} ${v.toFixed(1).padStart(7)} ms  ${((100 * v) / total).toFixed(0)} %`);
if (process.argv.includes('--detail'))
  for (const k of prof.kernels.filter((q) => (q.kernelTimeMs as number) > 0.5))
    console.log(`    ${k.name} ${JSON.stringify(k.inputShapes)} ${(k.kernelTimeMs as number).toFixed(1)} ms`);
const reps = 10;
const t0 = performance.now();
for (let i = 0; i < reps; i++) step();
const ms = (performance.now() - t0) / reps;
console.log(`wall ${ms.toFixed(1)} ms per step = ${Math.round((batch * 1000) / ms)} images/s`);
disposeAutoencoder(ae);
opt.dispose();
x.dispose();
