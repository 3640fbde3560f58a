/**
 * The policy of one label, decided here and nowhere else: whether an image
 * may be labeled and which image the label lands on, the value stored (the
 * angle wrapped into [0, period), or "no orientation"), the arm it is tagged
 * with, and which image comes next (a test-split image or the queue's next,
 * by the test cadence). Pure: the caller reads the store and passes what it
 * read; nothing here touches a database, a worker or the clock.
 *
 * The test cadence: every learning-curve point is measured on the labeled
 * test split, so the labeling view grows it alongside the training labels. It
 * alternates test and queue images until MIN_TEST test images are labeled,
 * then shows one test image after every TRAIN_PER_TEST further training
 * labels, until the split is exhausted, so most of the labeling budget goes to
 * the novelty queue.
 */
import { periodOf, wrapDegrees } from '../../shared/angle.js';
import { AppError } from '../../shared/errors.js';
import type { Arm, ImageId, ImageRecord, LabelValue, QueueEntry } from '../../shared/types.js';
import { MIN_TEST, TRAIN_PER_TEST } from '../../shared/test-cadence.js';

export { MIN_TEST, TRAIN_PER_TEST };

/** The label counts the cadence reads: training labels and the test split's size and labels. */
export interface CadenceCounts {
  readonly labeled: number;
  readonly testSplit: { readonly size: number; readonly labeled: number };
}

/** Test labels wanted once `counts.labeled` training labels are in: MIN_TEST, then one more per TRAIN_PER_TEST training labels beyond MIN_TEST. */
export function testLabelsWanted(counts: CadenceCounts): number {
  const beyond = Math.max(0, counts.labeled - MIN_TEST);
  return Math.min(counts.testSplit.size, MIN_TEST + Math.floor(beyond / TRAIN_PER_TEST));
}

/**
 * Whether the next image should be a test image, given the counts after the
 * images already on screen are labeled (pendingTest / pendingTrain of them).
 */
export function nextIsTest(counts: CadenceCounts, pendingTest = 0, pendingTrain = 0): boolean {
  const test = counts.testSplit.labeled + pendingTest;
  const train = counts.labeled + pendingTrain;
  const wanted = testLabelsWanted({ labeled: train, testSplit: counts.testSplit });
  return test < wanted && test <= train;
}

/** Where the next image comes from: the test split (random order) or the queue. */
export type ImageMode = 'queue' | 'test';

/**
 * The sources to try for the next image, first choice first: the test split
 * when the cadence asks for a test label, the queue otherwise, the other one
 * as the fallback; never the test split when its unlabeled images are all on
 * screen already.
 */
export function nextModes(counts: CadenceCounts, showingTest: number, showingTrain: number): ImageMode[] {
  const testLeft = counts.testSplit.size - counts.testSplit.labeled - showingTest;
  if (testLeft <= 0) return ['queue'];
  return nextIsTest(counts, showingTest, showingTrain) ? ['test', 'queue'] : ['queue', 'test'];
}

/** An image chosen to show next. */
export interface NextPick {
  readonly entry: QueueEntry;
  readonly mode: ImageMode;
  /** A skipped image offered again because nothing else is left in the queue (the caller forgets its skips then). */
  readonly reoffered: boolean;
}

/**
 * The next image from one source's candidates (in that source's order): the
 * first that is neither on screen nor skipped in this session. When only
 * skipped queue images are left (the queue still has more images than those on
 * screen), the first skipped one is offered again.
 */
export function pickNext(
  mode: ImageMode,
  candidates: readonly QueueEntry[],
  showing: ReadonlySet<ImageId>,
  skipped: ReadonlySet<ImageId>,
  queueRemaining: number,
  showingTrain: number,
): NextPick | null {
  const fresh = candidates.find((q) => !showing.has(q.imageId) && !skipped.has(q.imageId));
  if (fresh) return { entry: fresh, mode, reoffered: false };
  if (mode === 'queue' && queueRemaining > showingTrain) {
    const again = candidates.find((q) => !showing.has(q.imageId));
    if (again) return { entry: again, mode, reoffered: true };
  }
  return null;
}

/** What a label request carries, as the policy sees it. */
export interface LabelRequest {
  readonly imageId: ImageId;
  /** Degrees, any finite number (wrapped here), or null for "no orientation / not applicable". */
  readonly angle: number | null;
  /** An arm given by the caller (e.g. a simulation); otherwise the policy chooses it. */
  readonly arm?: Arm;
}

/** What the policy needs to know about the project to decide a label. */
export interface LabelContext {
  /** The image the request names (null when there is none with that id). */
  readonly given: ImageRecord | null;
  /** The image a label for `img` is stored on (an exact duplicate's original; the store's rule). */
  readonly targetOf: (img: ImageRecord) => ImageRecord;
  /** The arm of the active order that queued an image ('none' when it is in no interleaved order). */
  readonly queueArm: (id: ImageId) => Arm;
  readonly axial: boolean;
}

/** A label ready to be stored: on `target`, with its value and arm decided. */
export interface LabelDecision {
  readonly target: ImageRecord;
  readonly value: LabelValue;
  readonly arm: Arm;
}

/**
 * Decide one label: the image must exist and be readable, the angle must be a
 * finite number of degrees (or null); the label lands on the image's target
 * (an exact duplicate's original), its angle wrapped into [0, period) of the
 * project (180 when axial), its arm 'test' on a test-split image, else the arm
 * of the queue that chose it.
 * @throws AppError('not-found' | 'unreadable-image' | 'invalid-angle') naming the image or the value.
 */
export function decideLabel(req: LabelRequest, ctx: LabelContext): LabelDecision {
  const given = ctx.given;
  if (!given) throw new AppError('not-found', `no image with id ${req.imageId} in this project`);
  if (given.status !== 'ready') {
    throw new AppError(
      'unreadable-image',
      `image ${req.imageId} (${given.path}) is ${given.status}${given.error ? ` (${given.error})` : ''}; only readable images can be labeled`,
    );
  }
  const angle = req.angle;
  if (angle !== null && (typeof angle !== 'number' || !Number.isFinite(angle))) {
    throw new AppError('invalid-angle', `angle must be a number of degrees or null for "no orientation"; got ${JSON.stringify(angle)}`);
  }
  const target = ctx.targetOf(given);
  return {
    target,
    value: angle === null ? { kind: 'none' } : { kind: 'angle', angle: wrapDegrees(angle, periodOf(ctx.axial)) },
    arm: req.arm ?? (target.inTestSplit ? 'test' : ctx.queueArm(target.id)),
  };
}
