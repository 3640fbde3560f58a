/**
 * The result every benchmark module returns from `run()` (bench/run.ts, the
 * runner of `npm run bench`, prints them and writes them as JSON).
 */
export interface BenchResult {
  /** Short name of the row, e.g. "import speed (2,000 real JPEG photos)". */
  readonly name: string;
  /** Measured figures by name; units in the name (e.g. "ours images/s", "p95 ms"). */
  readonly figures: Record<string, number | string>;
  /** The headline ratio against the reference measured in the same run. */
  readonly ratio?: {
    readonly value: number;
    /** Goal for value, read as described in `description` (e.g. at least 0.8). */
    readonly goal: number;
    /** What the ratio is and which way is better, e.g. "ours / bare sharp throughput, goal >= 0.8". */
    readonly description: string;
  };
  /**
   * What the row is measured against in the same run (a tool, a bare library
   * call, a brute-force floor), or why there is none.
   */
  readonly reference: string;
  /** The row's goal in words (the ratio's goal where there is a ratio). */
  readonly goal: string;
  /** Whether every goal of the row was met. */
  readonly met?: boolean;
  /** Data provenance, caveats, which goals were missed and why. */
  readonly notes?: string;
}
