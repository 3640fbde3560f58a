/**
 * When the labeling view asks for test-split labels (DESIGN.md "test split").
 * Every learning-curve point is measured on the labeled test split, so the app
 * grows it alongside the training labels: it alternates test and queue images
 * until MIN_TEST test images are labeled, then keeps the test set at about a
 * quarter of the training labels (TEST_SHARE), until the split is exhausted, so
 * most of the labeling budget goes to the novelty queue.
 */
import type { ProjectStatus } from '../../shared/types.js';

/** Labeled test images the service needs before it adds learning-curve points. */
export const MIN_TEST = 10;
/** Test labels wanted per training label after the first MIN_TEST. */
export const TEST_SHARE = 0.25;

export function testLabelsWanted(status: Pick<ProjectStatus, 'labeled' | 'testSplit'>): number {
  return Math.min(status.testSplit.size, Math.max(MIN_TEST, Math.ceil(status.labeled * TEST_SHARE)));
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
