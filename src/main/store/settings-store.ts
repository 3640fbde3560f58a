/** The project's settings and its other key/value rows (table meta). */
import { AppError } from '../../shared/errors.js';
import { DEFAULT_SETTINGS, type ProjectSettings } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { mapStoreError } from './database-errors.js';
import { projectSettingsSchema } from './settings-schema.js';

/** The settings that may change after creation (embeddingTurns and embedder take effect at the next embed). */
export type SettingsPatch = Partial<Pick<ProjectSettings, 'strategy' | 'testFraction' | 'testMax' | 'orientationModel' | 'embeddingTurns' | 'embedder'>>;

/**
 * Settings of a new project: the defaults with `settings` over them.
 * @throws AppError('invalid-argument') naming the setting that is out of range.
 */
export function newProjectSettings(settings: Partial<ProjectSettings>): ProjectSettings {
  const parsed = projectSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...settings });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid-argument', `setting ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export class SettingsStore {
  private cached: ProjectSettings | null = null;
  private version = -1;

  constructor(private readonly db: ProjectDatabase) {}

  /** Read the settings from the file again (another connection, such as a job's worker, changed them). */
  /** Forget the cached settings (read again at next use): after a rolled-back transaction that may have changed them. */
  forget(): void {
    this.cached = null;
  }

  reload(): ProjectSettings {
    this.cached = null;
    return this.current;
  }

  get current(): ProjectSettings {
    // A job in a worker thread (order, with its strategy) or another process may
    // change the settings through its own connection: SQLite's data_version moves
    // when another connection commits, and then the cache is read again.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.version) {
      this.cached = null;
      this.version = version;
    }
    if (!this.cached) {
      let row: { value: string } | undefined;
      try {
        row = this.db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as { value: string } | undefined;
      } catch (e) {
        throw mapStoreError(e, this.db.path);
      }
      let stored: unknown = {};
      try {
        stored = row ? JSON.parse(row.value) : {};
      } catch {
        throw new AppError(
          'not-a-project',
          `${this.db.path}: its settings (table meta, key "settings") are not valid JSON; restore the project from a backup copy`,
        );
      }
      const parsed = projectSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(stored !== null && typeof stored === 'object' ? stored : {}) });
      if (!parsed.success || stored === null || typeof stored !== 'object') {
        const issue = parsed.success ? null : parsed.error.issues[0];
        throw new AppError(
          'not-a-project',
          `${this.db.path}: its settings (table meta, key "settings") are not valid${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}; restore the project from a backup copy`,
        );
      }
      this.cached = parsed.data;
    }
    return this.cached;
  }

  update(patch: SettingsPatch): ProjectSettings {
    const next = projectSettingsSchema.parse({ ...this.current, ...patch });
    this.db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('settings', ?)").run(JSON.stringify(next));
    this.cached = next;
    return next;
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value);
  }
}
