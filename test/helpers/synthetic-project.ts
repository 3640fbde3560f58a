/**
 * Test fixture: a project whose images are inserted directly (no decoding),
 * with synthetic embeddings, for service and queue tests that do not need
 * real pixels.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { mulberry32, seededHashUnit } from '../../src/shared/random.js';
import type { ImageId, ProjectSettings } from '../../src/shared/types.js';

export function tempDir(prefix = 'nl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Create a project with n ready images (fake paths, zero model inputs) and
 * random d-dimensional embeddings; returns the store (open) and the ids.
 */
export function syntheticProject(
  n: number,
  d: number,
  settings: Partial<ProjectSettings> = {},
  dir = tempDir(),
): { store: ProjectStore; ids: ImageId[]; file: string; data: Float32Array } {
  const file = path.join(dir, 'synthetic.nlproj');
  const store = ProjectStore.create(file, { inputSize: 16, latentDim: d, ...settings });
  const folderId = store.folderId(path.join(dir, 'images'));
  const per = store.settings.inputSize ** 2;
  const ids = store.transaction(() =>
    Array.from({ length: n }, (_, i) =>
      store.insertImage({
        folderId,
        relPath: `img-${i}.png`,
        absPath: path.join(dir, 'images', `img-${i}.png`),
        sha256: `sha-${i}`,
        sizeBytes: 1,
        width: 16,
        height: 16,
        status: 'ready',
        error: null,
        modelInput: new Uint8Array(per),
      }),
    ),
  );
  store.updateTestSplit(seededHashUnit);
  const rnd = mulberry32(7);
  const data = Float32Array.from({ length: n * d }, () => rnd());
  store.saveEmbeddings({ modelId: null, source: 'synthetic', backend: null, loss: null, ids, dim: d, data, pca: null });
  return { store, ids, file, data };
}
