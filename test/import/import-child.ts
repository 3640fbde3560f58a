/**
 * Child process for the kill test: imports a folder slowly (5 ms pause per
 * file, batches of 8) so the parent can SIGKILL it in the middle.
 * Usage: node --import tsx test/import/import-child.ts PROJECT FOLDER
 */
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';

const [project, folder] = process.argv.slice(2);
const store = ProjectStore.open(project!);
const pause = new Int32Array(new SharedArrayBuffer(4));
await importFolder(store, folder!, {
  concurrency: 1,
  batchSize: 8,
  progressIntervalMs: 0,
  onProgress: () => {
    Atomics.wait(pause, 0, 0, 5);
  },
});
store.close();
