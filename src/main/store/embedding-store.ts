/** Embedding sets (the latent space of one model run): the active set, its vectors and PCA plane. */
import { AppError } from '../../shared/errors.js';
import type { ComputeBackend, EmbeddingInfo, ImageId, ModelId } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { now } from './rows.js';
import type { EmbeddingMatrix, NewEmbeddings } from './store-types.js';

export class EmbeddingStore {
  constructor(private readonly db: ProjectDatabase) {}

  /**
   * Store a new embedding set and make it the active one (one transaction).
   * data is row-major ids.length x dim; pca (optional) is ids.length x 2.
   * @throws AppError('invalid-argument') on a shape mismatch or a non-finite value.
   */
  save(input: NewEmbeddings): number {
    const { ids, dim, data, pca } = input;
    if (data.length !== ids.length * dim) {
      throw new AppError('invalid-argument', `embedding matrix has ${data.length} values, expected ${ids.length} x ${dim}`);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new AppError('invalid-argument', `embedding of image ${ids[Math.floor(i / dim)]} has a non-finite value at dimension ${i % dim}`);
      }
    }
    if (pca && pca.length !== ids.length * 2) throw new AppError('invalid-argument', 'PCA projection must be N x 2');
    return this.db.transaction(() => {
      const setId = Number(
        this.db
          .prepare('INSERT INTO embedding_sets(model_id, source, dim, backend, loss, created_at, active) VALUES (?, ?, ?, ?, ?, ?, 0)')
          .run(input.modelId, input.source, dim, input.backend, input.loss, now()).lastInsertRowid,
      );
      const ins = this.db.prepare('INSERT INTO embeddings(set_id, image_id, vector, pca_x, pca_y) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i < ids.length; i++) {
        const v = data.subarray(i * dim, (i + 1) * dim);
        ins.run(setId, ids[i], Buffer.from(v.buffer, v.byteOffset, v.byteLength), pca ? pca[2 * i] : null, pca ? pca[2 * i + 1] : null);
      }
      this.db.prepare('UPDATE embedding_sets SET active = (id = ?)').run(setId);
      // Keep the active set and the one before it; older sets only cost space.
      this.db
        .prepare(
          `DELETE FROM embedding_sets WHERE active = 0 AND id < (SELECT MAX(id) FROM embedding_sets WHERE active = 0)
             AND id NOT IN (SELECT embedding_set_id FROM orders WHERE embedding_set_id IS NOT NULL)`,
        )
        .run();
      return setId;
    });
  }

  info(): EmbeddingInfo | null {
    const r = this.db.prepare('SELECT * FROM embedding_sets WHERE active = 1').get() as
      { id: number; model_id: number | null; source: string; dim: number; backend: string | null; loss: number | null } | undefined;
    if (!r) return null;
    const count = (this.db.prepare('SELECT COUNT(*) FROM embeddings WHERE set_id = ?').pluck().get(r.id) as number) ?? 0;
    let turns: number | null = null;
    if (r.model_id !== null) {
      const params = this.db.prepare('SELECT params FROM models WHERE id = ?').pluck().get(r.model_id) as string | undefined;
      const t = params ? (JSON.parse(params) as { embeddingTurns?: unknown }).embeddingTurns : undefined;
      turns = typeof t === 'number' && Number.isInteger(t) && t >= 1 ? t : 1;
    }
    return {
      modelId: r.model_id as ModelId | null,
      latentDim: r.dim,
      backend: r.backend as ComputeBackend | null,
      source: r.source,
      count,
      reconstructionLoss: r.loss,
      turns,
    };
  }

  /** The active embeddings (rows in image-id order), or null when none. */
  active(): EmbeddingMatrix | null {
    const set = this.db.prepare('SELECT id, dim FROM embedding_sets WHERE active = 1').get() as { id: number; dim: number } | undefined;
    if (!set) return null;
    const rows = this.db.prepare('SELECT image_id, vector FROM embeddings WHERE set_id = ? ORDER BY image_id').all(set.id) as {
      image_id: number;
      vector: Buffer;
    }[];
    const data = new Float32Array(rows.length * set.dim);
    const ids: ImageId[] = [];
    rows.forEach((r, i) => {
      ids.push(r.image_id as ImageId);
      data.set(new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)), i * set.dim);
    });
    return { setId: set.id, ids, dim: set.dim, data };
  }

  /** PCA plane coordinates of the active embeddings. */
  pcaPoints(): { imageId: ImageId; x: number; y: number }[] {
    return (
      this.db
        .prepare(
          'SELECT e.image_id AS imageId, e.pca_x AS x, e.pca_y AS y FROM embeddings e JOIN embedding_sets s ON s.id = e.set_id WHERE s.active = 1 AND e.pca_x IS NOT NULL',
        )
        .all() as { imageId: number; x: number; y: number }[]
    ).map((r) => ({ imageId: r.imageId as ImageId, x: r.x, y: r.y }));
  }
}
