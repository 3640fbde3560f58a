/**
 * Gradient of FusedBatchNorm by broadcasting instead of tfjs-core's Tile.
 *
 * tfjs-core 4.22's gradient tiles 1/sqrt(variance) to the full activation shape
 * before multiplying; on the wasm backend that Tile took about half of a
 * contrastive training step (measured with tf.profile at 32 px, batch 256).
 * The same derivatives with broadcast operands (the wasm binary kernels
 * broadcast natively) and column sums over the leading axes (wasm-sum.ts):
 *   dx = dy * s / sqrt(v + eps)
 *   dmean = -sum(dy) * s / sqrt(v + eps)
 *   dvar = -0.5 * sum(dy * (x - mean)) * s * (v + eps)^-1.5
 *   dscale = sum(dy * (x - mean)) / sqrt(v + eps),  doffset = sum(dy)
 * (sums over every axis the statistics were broadcast along). Equal to the
 * original to float rounding (test/ml/contrastive.test.ts). Registering it
 * replaces the gradient for every FusedBatchNorm in this thread.
 */
import * as tf from '@tensorflow/tfjs';

let registered = false;

export function registerBroadcastBatchNormGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => (axes.length > 0 ? tf.sum(t, axes) : t).reshape(mean.shape);
      const s = scale ?? tf.scalar(1);
      const inv = tf.rsqrt(tf.add(variance, eps));
      // Computed here, not in the closures: each closure's tensors are freed when it returns.
      const sumDy = reduce(g);
      const sumDyXc = reduce(tf.mul(g, tf.sub(x, mean)));
      return {
        x: () => tf.mul(g, tf.mul(inv, s)),
        mean: () => tf.neg(tf.mul(sumDy, tf.mul(inv, s))),
        variance: () => tf.mul(sumDyXc, tf.mul(tf.mul(tf.pow(inv, 3), s), -0.5)),
        scale: () => tf.mul(sumDyXc, inv),
        offset: () => sumDy,
      };
    },
  });
}
