/**
 * When the labeling view asks for test-split labels (DESIGN.md "test split").
 * Every learning-curve point is measured on the labeled test split, so the app
 * grows it alongside the training labels: it alternates test and queue images
 * until MIN_TEST test images are labeled, then shows one test image after
 * every TRAIN_PER_TEST further training labels, until the split is exhausted,
 * so most of the labeling budget goes to the novelty queue.
 */
import type { ProjectStatus } from '../../shared/types.js';

/** Labeled test images the service needs before it adds learning-curve points. */
export const MIN_TEST = 10;
/** Training labels per test label after the first MIN_TEST test labels. */
export const TRAIN_PER_TEST = 4;

/** Test labels wanted once `status.labeled` training labels are in: MIN_TEST, then one more per TRAIN_PER_TEST training labels beyond MIN_TEST. */
export function testLabelsWanted(status: Pick<ProjectStatus, 'labeled' | 'testSplit'>): number {
  const beyond = Math.max(0, status.labeled - MIN_TEST);
  return Math.min(status.testSplit.size, MIN_TEST + Math.floor(beyond / TRAIN_PER_TEST));
}

/**
 * Whether the next image should be a test image, given the counts after the
 * images already on screen are labeled (pendingTest / pendingTrain of them).
 */
export function nextIsTest(status: Pick<ProjectStatus, 'labeled' | 'testSplit'>, pendingTest = 0, pendingTrain = 0): boolean {
  const test = status.testSplit.labeled + pendingTest;
  const train = status.labeled + pendingTrain;
  const wanted = testLabelsWanted({ labeled: train, testSplit: status.testSplit });
  return test < wanted && test <= train;
}
