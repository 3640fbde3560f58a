/** Imported folders: their paths and roles (pool or test split). */
import type { FolderRole, ImageId } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { now } from './rows.js';

export class FolderStore {
  constructor(private readonly db: ProjectDatabase) {}

  /**
   * Id of an imported folder (absolute path), adding it when new.
   * @param role 'test' makes the folder (new or not) a test folder, 'pool' a
   *   pool folder; omitted, a new folder is a pool folder and a known one
   *   keeps its role (a re-import never changes it silently).
   */
  folderId(absFolder: string, role?: FolderRole): number {
    const row = this.db.prepare('SELECT id, role FROM folders WHERE path = ?').get(absFolder) as { id: number; role: FolderRole } | undefined;
    if (row) {
      if (role && role !== row.role) this.db.prepare('UPDATE folders SET role = ? WHERE id = ?').run(role, row.id);
      return row.id;
    }
    return Number(this.db.prepare('INSERT INTO folders(path, added_at, role) VALUES (?, ?, ?)').run(absFolder, now(), role ?? 'pool').lastInsertRowid);
  }

  list(): { id: number; path: string; role: FolderRole }[] {
    return this.db.prepare('SELECT id, path, role FROM folders ORDER BY id').all() as { id: number; path: string; role: FolderRole }[];
  }

  /** Role of the folder an image was imported from. */
  roleOfImage(id: ImageId): FolderRole {
    return (
      (this.db.prepare('SELECT f.role FROM images i JOIN folders f ON f.id = i.folder_id WHERE i.id = ?').pluck().get(id) as FolderRole | undefined) ?? 'pool'
    );
  }

  /** Folder id of every image, by image id (one query, no blobs). */
  folderOfEachImage(): Map<ImageId, number> {
    return new Map(
      (this.db.prepare('SELECT id, folder_id FROM images').all() as { id: number; folder_id: number }[]).map((r) => [r.id as ImageId, r.folder_id]),
    );
  }

  /** Whether some folder was imported as the test split (then the random test split is off). */
  hasTestFolder(): boolean {
    return this.db.prepare("SELECT 1 FROM folders WHERE role = 'test' LIMIT 1").get() !== undefined;
  }

  /**
   * Change the stored path of a folder row only (its images' paths are not
   * touched: the caller moves each with moveImage).
   * @param folderId id from folderId()/list()
   * @param newAbsFolder the folder's new real absolute path (must not be another folder's path)
   * @throws SqliteError (UNIQUE constraint) when another folder row already has newAbsFolder
   */
  rename(folderId: number, newAbsFolder: string): void {
    this.db.prepare('UPDATE folders SET path = ? WHERE id = ?').run(newAbsFolder, folderId);
  }

  /** Point a folder at its new location (images' absolute paths follow). */
  relink(folderId: number, newAbsFolder: string, joinPath: (folder: string, rel: string) => string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE folders SET path = ? WHERE id = ?').run(newAbsFolder, folderId);
      const rows = this.db.prepare('SELECT id, rel_path FROM images WHERE folder_id = ?').all(folderId) as { id: number; rel_path: string }[];
      const upd = this.db.prepare('UPDATE images SET abs_path = ? WHERE id = ?');
      for (const r of rows) upd.run(joinPath(newAbsFolder, r.rel_path), r.id);
    });
  }
}
