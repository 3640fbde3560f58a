/** The list of recently opened projects, kept as JSON in the app's data folder. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../shared/api.js';

const recentSchema = z.array(z.object({ path: z.string(), openedAt: z.string() }));
const MAX_RECENT = 12;

export class RecentProjects {
  private readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'recent-projects.json');
  }

  /** Newest first; entries whose file no longer exists are dropped. A corrupt list reads as empty. */
  list(): RecentProject[] {
    try {
      const parsed = recentSchema.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.filter((r) => fs.existsSync(r.path)) : [];
    } catch {
      return [];
    }
  }

  /**
   * Put a project first in the list. Several processes (the app, CLI commands)
   * may do this at once: each writes its own temporary file and renames it
   * over the list (atomic; the last one wins). The list is a convenience, so a
   * failure to write it (read-only or full disk) never fails the caller.
   */
  touch(projectPath: string): void {
    const list = [{ path: projectPath, openedAt: new Date().toISOString() }, ...this.list().filter((r) => r.path !== projectPath)].slice(0, MAX_RECENT);
    const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(list, null, 2));
      fs.renameSync(tmp, this.file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
}
