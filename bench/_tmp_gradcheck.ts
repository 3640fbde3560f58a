import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '/work/main/src/main/ml/backend.ts';
const b = await selectBackend('auto');
console.log('backend', b);
const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
const dy0 = (s: number, pad: 'same'|'valid') => tf.conv2d(x as tf.Tensor4D, tf.zeros([3,3,3,4]) as tf.Tensor4D, s, pad);
for (const s of [1,2]) for (const pad of ['same','valid'] as const) {
  const f = tf.randomNormal([3,3,3,4],0,1,'float32',2) as tf.Tensor4D;
  const shp = dy0(s,pad).shape;
  const dy = tf.randomNormal(shp, 0,1,'float32',3) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const g = tf.conv2dBackpropFilter? null: null;
  const dw = tf.grad((ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, ff as tf.Tensor4D, s, pad), dy)))(f);
  const wasmV = await dw.data();
  await tf.setBackend('cpu');
  const x2 = tf.tensor(await x.data(), x.shape), f2 = tf.tensor(await f.data(), f.shape), dy2 = tf.tensor(await dy.data(), dy.shape);
  const dwc = tf.grad((ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x2 as tf.Tensor4D, ff as tf.Tensor4D, s, pad), dy2)))(f2);
  const cpuV = await dwc.data();
  await tf.setBackend('wasm');
  let m = 0; for (let i=0;i<cpuV.length;i++) m = Math.max(m, Math.abs(cpuV[i]-wasmV[i]));
  console.log(s, pad, shp, 'maxdiff', m, 'mem', before, tf.memory().numTensors);
}
