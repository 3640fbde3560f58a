import { mulberry32 } from '../../shared/random.js';

/**
 * First pick of a furthest-point order when no row is labeled: row
 * floor(u * n), u = the first float of mulberry32(seed) (src/shared/random.ts).
 * Its coverage radius is Infinity (nothing before it).
 */
export function firstPickForSeed(n: number, seed: number): number {
  return Math.min(n - 1, Math.floor(mulberry32(seed)() * n));
}
