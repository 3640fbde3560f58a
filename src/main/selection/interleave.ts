/**
 * Interleaved queue (docs/architecture.md, pipeline stage 6, live variant): alternates a novelty
 * order and a random order so both learning curves grow from the same
 * annotator's labels, tagging each entry with the arm that chose it.
 */
import { AppError } from '../../shared/errors.js';

export type InterleaveArm = 'novelty' | 'random';

/**
 * Merges two orders of row indices: novelty[0], random[0], novelty[1], ...
 * where each arm, on its turn, takes its next index not already taken (by
 * either arm). When one arm runs out, the rest of the other follows. The
 * result holds every index of either input once.
 *
 * @param novelty row indices in novelty order (no repeats)
 * @param random row indices in random order (no repeats)
 * @returns order (Int32Array) and arm[i] = which arm chose order[i]
 * @throws AppError('invalid-argument') when an input repeats an index or holds a negative / non-integer
 */
export function interleaveOrders(novelty: ArrayLike<number>, random: ArrayLike<number>): { order: Int32Array; arm: InterleaveArm[] } {
  const taken = new Set<number>();
  for (const [name, a] of [
    ['novelty', novelty],
    ['random', random],
  ] as const) {
    const seen = new Set<number>();
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isInteger(v) || v < 0) throw new AppError('invalid-argument', `${name}[${i}] = ${v} is not a row index`);
      if (seen.has(v)) throw new AppError('invalid-argument', `${name} order repeats row ${v}`);
      seen.add(v);
    }
  }
  const order: number[] = [];
  const arm: InterleaveArm[] = [];
  let a = 0;
  let b = 0;
  let turn: InterleaveArm = 'novelty';
  for (;;) {
    while (a < novelty.length && taken.has(novelty[a]!)) a++;
    while (b < random.length && taken.has(random[b]!)) b++;
    const haveA = a < novelty.length;
    const haveB = b < random.length;
    if (!haveA && !haveB) break;
    const useNovelty = turn === 'novelty' ? haveA : !haveB;
    const v = useNovelty ? novelty[a++]! : random[b++]!;
    taken.add(v);
    order.push(v);
    arm.push(useNovelty ? 'novelty' : 'random');
    turn = turn === 'novelty' ? 'random' : 'novelty';
  }
  return { order: Int32Array.from(order), arm };
}
