/** Trained models (autoencoder, contrastive, orientation): parameters, topology and weights. */
import type { ModelId } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { now } from './rows.js';
import type { NewModel, StoredModel } from './store-types.js';

export class ModelStore {
  constructor(private readonly db: ProjectDatabase) {}

  save(m: NewModel): ModelId {
    const r = this.db
      .prepare('INSERT INTO models(kind, created_at, backend, params, topology, weights, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        m.kind,
        now(),
        m.backend,
        JSON.stringify(m.params),
        m.topology === undefined ? null : JSON.stringify(m.topology),
        m.weights ? Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength) : null,
        JSON.stringify(m.metrics ?? {}),
      );
    return Number(r.lastInsertRowid) as ModelId;
  }

  get(id: ModelId): StoredModel | null {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as
      | {
          id: number;
          kind: StoredModel['kind'];
          created_at: string;
          backend: string | null;
          params: string;
          topology: string | null;
          weights: Buffer | null;
          metrics: string | null;
        }
      | undefined;
    if (!r) return null;
    return {
      id: r.id as ModelId,
      kind: r.kind,
      createdAt: r.created_at,
      backend: r.backend,
      params: JSON.parse(r.params) as Record<string, unknown>,
      topology: r.topology ? (JSON.parse(r.topology) as unknown) : null,
      weights: r.weights ? new Uint8Array(r.weights.buffer, r.weights.byteOffset, r.weights.byteLength) : null,
      metrics: r.metrics ? (JSON.parse(r.metrics) as Record<string, unknown>) : {},
    };
  }

  latest(kind: StoredModel['kind']): StoredModel | null {
    const r = this.db.prepare('SELECT id FROM models WHERE kind = ? ORDER BY id DESC LIMIT 1').get(kind) as { id: number } | undefined;
    return r ? this.get(r.id as ModelId) : null;
  }
}
