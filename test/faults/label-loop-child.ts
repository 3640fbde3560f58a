/**
 * Child process of the fault tests: an annotator that labels the queue one
 * image after another through LabelerService (as the app does), and prints
 * "ack <imageId> <angle>" after each label:set has resolved - the moment the
 * app would show the next image. Stops after MAX labels or an empty queue and
 * prints "done <count>". An error is printed as "error <code> <message>"
 * (exit code 1).
 * Usage: node --import tsx test/faults/label-loop-child.ts PROJECT MAX [PAUSE_MS]
 */
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { isAppError } from '../../src/shared/errors.js';
import type { Degrees } from '../../src/shared/angle.js';

const [project, maxText, pauseText] = process.argv.slice(2);
const max = Number(maxText);
const pauseMs = Number(pauseText ?? '0');
const svc = await LabelerService.create({ dataDir: process.env.NL_DATA_DIR!, annotator: 'loop' });
let n = 0;
try {
  await svc.invoke('project:open', { path: project! });
  while (n < max) {
    const [next] = await svc.invoke('queue:next', { count: 1 });
    if (!next) break;
    const angle = (next.imageId * 37 + 11) % 360;
    await svc.invoke('label:set', { imageId: next.imageId, angle: angle as Degrees, durationMs: 100 });
    n++;
    process.stdout.write(`ack ${next.imageId} ${angle}\n`);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  process.stdout.write(`done ${n}\n`);
} catch (e) {
  process.stdout.write(`error ${isAppError(e) ? e.code : 'raw'} ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  svc.close();
}
