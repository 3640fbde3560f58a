/**
 * Test fixture: a project whose images are inserted directly through
 * ProjectStore.insertImage (model input: a zero buffer of the right size), so
 * io/export tests do not depend on the import pipeline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { ImageId, ProjectSettings } from '../../src/shared/types.js';

export interface FixtureImage {
  /** Folder (absolute) the image was "imported" from. */
  readonly folder: string;
  /** '/'-separated path relative to folder. */
  readonly relPath: string;
  /** Bytes of the file (written to disk when given); else sha256 is derived from the path. */
  readonly bytes?: Uint8Array;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly status?: 'ready' | 'unreadable' | 'missing';
  readonly error?: string | null;
}

export interface FixtureProject {
  readonly dir: string;
  readonly store: ProjectStore;
  readonly ids: ImageId[];
  readonly sha: string[];
}

export function tmpDir(prefix = 'nl-io-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function sha256Of(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Create a project in a fresh temp folder and insert the images (writing their files when bytes are given). */
export function makeProject(images: readonly FixtureImage[], settings: Partial<ProjectSettings> = {}, dir = tmpDir()): FixtureProject {
  const store = ProjectStore.create(path.join(dir, 'p.nlproj'), settings);
  const { inputSize, colorMode } = store.settings;
  const per = inputSize * inputSize * (colorMode === 'rgb' ? 3 : 1);
  const ids: ImageId[] = [];
  const sha: string[] = [];
  store.transaction(() => {
    for (const img of images) {
      const abs = path.join(img.folder, ...img.relPath.split('/'));
      if (img.bytes) {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, img.bytes);
      }
      const status = img.status ?? 'ready';
      const h = img.bytes ? sha256Of(img.bytes) : sha256Of(abs);
      sha.push(h);
      ids.push(
        store.insertImage({
          folderId: store.folderId(img.folder),
          relPath: img.relPath,
          absPath: abs,
          sha256: h,
          sizeBytes: img.bytes?.length ?? null,
          width: img.width ?? null,
          height: img.height ?? null,
          status,
          error: img.error ?? null,
          modelInput: status === 'ready' ? new Uint8Array(per) : null,
        }),
      );
    }
  });
  return { dir, store, ids, sha };
}
