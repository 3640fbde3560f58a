/** The learning curve (error vs labeled-set size) and the last compare's verdict. */
import type { CompareVerdictReport, CurvePoint, CurvePointExtra } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { now } from './rows.js';
import type { SettingsStore } from './settings-store.js';
import type { NewCurvePoint } from './store-types.js';

const COMPARE_VERDICT_KEY = 'compare_verdict';

export class CurveStore {
  constructor(
    private readonly db: ProjectDatabase,
    private readonly meta: SettingsStore,
  ) {}

  add(runId: string, source: CurvePoint['source'], points: readonly NewCurvePoint[]): void {
    this.db.transaction(() => {
      const ins = this.db.prepare(
        `INSERT INTO curve_points(run_id, source, strategy, seed, size, mae_deg, median_deg, within10, test_size, created_at, model, ci_low, ci_high, chance_deg, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const t = now();
      for (const p of points) {
        ins.run(
          runId,
          source,
          p.strategy,
          p.seed,
          p.size,
          p.maeDeg,
          p.medianDeg,
          p.within10,
          p.testSize,
          t,
          p.model,
          p.ciLow ?? null,
          p.ciHigh ?? null,
          p.chanceDeg ?? null,
          p.extra ? JSON.stringify(p.extra) : null,
        );
      }
    });
  }

  /** Delete every point of one source (a new compare replaces the previous one's points). */
  deleteSource(source: CurvePoint['source']): void {
    this.db.prepare('DELETE FROM curve_points WHERE source = ?').run(source);
  }

  points(source?: CurvePoint['source']): CurvePoint[] {
    const rows = (
      source
        ? this.db.prepare('SELECT * FROM curve_points WHERE source = ? ORDER BY id').all(source)
        : this.db.prepare('SELECT * FROM curve_points ORDER BY id').all()
    ) as {
      size: number;
      strategy: string;
      seed: number;
      mae_deg: number;
      median_deg: number;
      within10: number;
      test_size: number;
      source: CurvePoint['source'];
      created_at: string;
      model: string | null;
      ci_low: number | null;
      ci_high: number | null;
      chance_deg: number | null;
      extra: string | null;
    }[];
    return rows.map((r) => ({
      size: r.size,
      strategy: r.strategy,
      seed: r.seed,
      maeDeg: r.mae_deg,
      medianDeg: r.median_deg,
      within10: r.within10,
      testSize: r.test_size,
      source: r.source,
      createdAt: r.created_at,
      // Points from before schema 3 carry no model: the regressor was the only one then.
      model: r.model === 'exemplar' || r.model === 'aligned-exemplar' ? r.model : 'regressor',
      // Interval, chance level and extra figures only where measured (points from before them have none).
      ...(r.ci_low !== null && r.ci_high !== null ? { ciLow: r.ci_low, ciHigh: r.ci_high } : {}),
      ...(r.chance_deg !== null ? { chanceDeg: r.chance_deg } : {}),
      ...(r.extra !== null ? { extra: JSON.parse(r.extra) as CurvePointExtra } : {}),
    }));
  }

  /** The last compare's verdict.json content (null before the first compare with intervals). */
  compareVerdict(): CompareVerdictReport | null {
    const v = this.meta.getMeta(COMPARE_VERDICT_KEY);
    return v === null ? null : (JSON.parse(v) as CompareVerdictReport);
  }

  setCompareVerdict(report: CompareVerdictReport): void {
    this.meta.setMeta(COMPARE_VERDICT_KEY, JSON.stringify(report));
  }
}
