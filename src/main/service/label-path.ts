/**
 * The images a labeling view shows next, read from the store and chosen by
 * the label policy (src/main/policy/label-policy.ts): the service answers
 * queue:upcoming, and label:set / label:skip with `next`, from here, so the
 * view makes one request per label and holds no policy of its own.
 */
import type { NextRequest, NextUp, UpcomingImage } from '../../shared/api.js';
import { seededShuffle } from '../../shared/random.js';
import type { AnglePrediction, ImageId, ProjectStatus, QueueEntry } from '../../shared/types.js';
import { nextModes, pickNext } from '../policy/label-policy.js';
import type { ProjectStore } from '../store/project-store.js';

/** Most images one request may ask to be chosen. */
export const MAX_UPCOMING = 4;
/** How long an answer waits for the model's guesses by default (LabelerServiceOptions.guessBudgetMs). */
export const GUESS_BUDGET_MS = 100;

/** The first `n` unlabeled test-split images in the project's seeded random order. */
export function testEntries(store: ProjectStore, n: number): QueueEntry[] {
  return seededShuffle(store.unlabeledTestImages(), store.settings.seed)
    .slice(0, n)
    .map((img, rank): QueueEntry => ({
      imageId: img.id,
      path: img.path,
      relPath: img.relPath,
      rank,
      coverageRadius: null,
      arm: 'test',
      width: img.width,
      height: img.height,
    }));
}

/** The first `n` entries of the queue: the active order's, or before the first order the provisional queue's (ProjectStore.queue). */
export function queueEntries(store: ProjectStore, n: number): QueueEntry[] {
  return store.queue(n);
}

/** Whether an image the view holds is a test-split image (it then counts as a pending test label). */
function isTestImage(store: ProjectStore, id: ImageId): boolean {
  return store.getImage(id)?.inTestSplit ?? false;
}

/**
 * Choose up to `req.count` images to show after `req.showing`, each as if the
 * ones before it were labeled: test split or queue by the cadence, never an
 * image on screen, a skipped one only when nothing else is left.
 * @param status the project's status now (its label counts and queue size).
 */
export function chooseUpcoming(store: ProjectStore, status: ProjectStatus, req: NextRequest): UpcomingImage[] {
  const count = Math.max(1, Math.min(MAX_UPCOMING, Math.floor(req.count ?? 1)));
  const showing = new Set<ImageId>(req.showing);
  const skipped = new Set<ImageId>(req.skipped ?? []);
  let showingTest = req.showing.filter((id) => isTestImage(store, id)).length;
  let showingTrain = showing.size - showingTest;
  const remaining = status.order?.remaining ?? status.provisional?.remaining ?? 0;
  const picks: UpcomingImage[] = [];
  while (picks.length < count) {
    let pick: UpcomingImage | null = null;
    for (const mode of nextModes(status, showingTest, showingTrain)) {
      const want = showing.size + skipped.size + 2;
      const candidates = mode === 'test' ? testEntries(store, want) : queueEntries(store, want);
      pick = pickNext(mode, candidates, showing, skipped, remaining, showingTrain);
      if (pick) break;
    }
    if (!pick) break;
    picks.push(pick);
    showing.add(pick.entry.imageId);
    if (pick.mode === 'test') showingTest++;
    else showingTrain++;
    if (pick.reoffered) skipped.clear();
  }
  return picks;
}

/** The queue images (never test images: their labels stay independent of the model) that get a guess. */
export function guessTargets(store: ProjectStore, showing: readonly ImageId[], upcoming: readonly UpcomingImage[]): ImageId[] {
  const ids = [...showing.filter((id) => !isTestImage(store, id)), ...upcoming.filter((u) => u.mode === 'queue').map((u) => u.entry.imageId)];
  return [...new Set(ids)];
}

/**
 * The status (read now unless given), the images to show after `req.showing`
 * and, when asked, the guesses for the queue images among them: null when the
 * model takes longer than `budgetMs` (the next image is not held back for
 * them; the view asks queue:predict instead). A failing model gives no
 * guesses, never an error.
 */
export async function nextUp(
  store: ProjectStore,
  req: NextRequest,
  known: ProjectStatus | undefined,
  predict: (ids: readonly ImageId[]) => Promise<readonly AnglePrediction[]>,
  budgetMs: number,
): Promise<NextUp> {
  const status = known ?? store.status();
  const upcoming = chooseUpcoming(store, status, req);
  const ids = req.guess ? guessTargets(store, req.showing, upcoming) : [];
  if (ids.length === 0) return { status, upcoming, guesses: [] };
  const asked = Promise.resolve(ids)
    .then(predict)
    .catch((): readonly AnglePrediction[] => []);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  try {
    return { status, upcoming, guesses: await Promise.race([asked, late]) };
  } finally {
    clearTimeout(timer);
  }
}
