/**
 * The numbers of the test cadence (the engine's label policy applies them in
 * src/main/policy/label-policy.ts; views only name them in their text).
 */

/** Labeled test images needed before learning-curve points are added (and before the cadence slows to TRAIN_PER_TEST). */
export const MIN_TEST = 10;
/** Training labels per test label after the first MIN_TEST test labels. */
export const TRAIN_PER_TEST = 4;
