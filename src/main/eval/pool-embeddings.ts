/** The active embeddings restricted to the pool (ready, non-duplicate, optionally minus the test split). */
import type { ImageId } from '../../shared/types.js';
import type { EmbeddingMatrix, ProjectStore } from '../store/project-store.js';

export function poolEmbeddings(
  store: ProjectStore,
  emb: EmbeddingMatrix,
  opts: { readonly excludeTest: boolean; readonly only?: ReadonlySet<ImageId> },
): { ids: ImageId[]; data: Float32Array } {
  const pool = store.listPoolImages();
  const keep = new Set(pool.filter((p) => !(opts.excludeTest && p.inTestSplit)).map((p) => p.id));
  const ids: ImageId[] = [];
  const rows: number[] = [];
  emb.ids.forEach((id, i) => {
    if (keep.has(id) && (!opts.only || opts.only.has(id))) {
      ids.push(id);
      rows.push(i);
    }
  });
  const data = new Float32Array(ids.length * emb.dim);
  rows.forEach((r, j) => data.set(emb.data.subarray(r * emb.dim, (r + 1) * emb.dim), j * emb.dim));
  return { ids, data };
}
