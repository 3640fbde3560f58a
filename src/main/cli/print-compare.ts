/** What `compare` and `demo` print: the verdict report (verdict.json) or, without one, labels needed per strategy. */
import type { CompareResult } from '../../shared/types.js';

export function printCompare(r: CompareResult): void {
  if (r.report) {
    printVerdictReport(r);
    return;
  }
  const smallest = Math.min(...r.points.map((p) => p.size));
  for (const n of r.labelsNeeded) {
    // Reached already at the smallest size tried: the figure is an upper bound, not an interpolation.
    const floor = n.size !== null && n.size <= smallest;
    console.log(
      n.size === null
        ? `${n.strategy}: does not reach ${n.reference}'s ${n.targetMaeDeg.toFixed(1)} deg within the sizes tried`
        : `${n.strategy}: reaches ${n.reference}'s error at its largest size (${n.targetMaeDeg.toFixed(1)} deg at ${n.referenceSize} labels) with ${floor ? `at most ${n.size} labels, the smallest size tried` : `${n.size} labels`}` +
            (n.savedShare !== null
              ? ` (${floor ? 'at least ' : ''}${n.savedShare >= 0 ? `${Math.round(n.savedShare * 100)}% fewer` : `${Math.round(-n.savedShare * 100)}% more`})`
              : '') +
            (n.seedSizes.length > 1 ? `; per seed: ${n.seedSizes.map((s) => s.size ?? 'not reached').join(', ')}` : ''),
    );
  }
  if (r.verdict) console.log(r.verdict);
  for (const note of r.notes ?? []) console.log(`note: ${note}`);
  if (r.csvPath) console.log(`curve: ${r.csvPath}`);
  if (r.svgPath) console.log(`chart: ${r.svgPath}`);
}

const pctOf = (x: number): string => `${Math.round(x * 100)}%`;
const pluralOf = (noun: string): string => (/(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`);

/** compare's summary from verdict.json: per strategy the curve with intervals, labels needed, coverage, the verdict. */
/** A share of labels saved as a signed percentage: -12% means 12 % more labels. */
function signedPct(x: number): string {
  return `${x < 0 ? '-' : ''}${pctOf(Math.abs(x))}`;
}

function printVerdictReport(r: CompareResult): void {
  const rep = r.report!;
  const smallest = Math.min(...rep.strategies.flatMap((s) => s.points.map((p) => p.size)));
  console.log(
    `chance level ${rep.chance.chanceDeg.toFixed(1)} deg (a guess that knows nothing: ${rep.chance.uninformedDeg} deg` +
      (rep.chance.circularMeanErrorDeg !== null ? `; always answering the test split's circular mean: ${rep.chance.circularMeanErrorDeg.toFixed(1)} deg` : '') +
      `); ${rep.testSize} test images; 95 % intervals from ${rep.resamples} bootstrap resamples`,
  );
  for (const s of rep.strategies) {
    const how = s.oneOrder ? 'one order for every seed' : `${s.seeds.length} seed${s.seeds.length === 1 ? '' : 's'}`;
    const curve = s.points.map((p) => `${p.size}: ${p.meanDeg.toFixed(1)} [${p.ciLow.toFixed(1)}, ${p.ciHigh.toFixed(1)}]`).join(', ');
    console.log(`${s.strategy}: ${s.strategy === rep.reference ? 'reference' : s.code} (${how}); mean error in deg [95 % interval] by labels: ${curve}`);
    const l = s.labelsToReach;
    if (l) {
      const floor = l.size !== null && l.size <= smallest;
      const at = `random's error at its largest size (${l.targetMaeDeg.toFixed(1)} deg at ${l.referenceSize} labels)`;
      const range =
        l.ciLow === null
          ? '95 % interval: not reached within the sizes tried'
          : `95 % interval ${Math.round(l.ciLow)} to ${l.ciHigh === null ? `more than ${l.referenceSize}` : Math.round(l.ciHigh)} labels`;
      console.log(
        l.size === null
          ? `  does not reach ${at} within the sizes tried (${range})`
          : `  reaches ${at} with ${floor ? `at most ${l.size} labels, the smallest size tried` : `${l.size} labels`}` +
              ` (${floor ? 'at least ' : ''}${l.savedShare! >= 0 ? `${pctOf(l.savedShare!)} fewer` : `${pctOf(-l.savedShare!)} more`}; ${range}` +
              // the saving is paired with what random itself needs in each resample, so its interval says the verdict
              (l.referenceNeeded !== undefined && l.referenceNeeded < l.referenceSize ? `; random itself needs ${l.referenceNeeded}` : '') +
              `; labels saved, 95 % interval ${l.savedLow === null ? 'unbounded below' : signedPct(l.savedLow)} to ${l.savedHigh === null ? 'unbounded' : signedPct(l.savedHigh)})`,
      );
    }
    if (rep.groups && s.points.some((p) => p.groups)) {
      console.log(
        `  distinct ${pluralOf(rep.groups.column)} among the first n labels: ${s.points
          .map((p) =>
            p.groups
              ? `${p.size}: ${p.groups.mean.toFixed(1)}` +
                (p.groups.perSeed.length > 1 && !s.oneOrder ? ` [${p.groups.ciLow.toFixed(1)}, ${p.groups.ciHigh.toFixed(1)}]` : '')
              : '',
          )
          .filter(Boolean)
          .join(', ')}`,
      );
    }
  }
  if (rep.groups) {
    const g = rep.groups;
    console.log(
      `${pluralOf(g.column)}: ${g.inPool} in the pool; oracle min(n, ${g.inPool}): ${g.oracle.map((o) => `${o.size}: ${o.groups}`).join(', ')}` +
        (g.nearestNeighbourSameGroup !== null
          ? `; nearest neighbour in the embedding of the same ${g.column}: ${pctOf(g.nearestNeighbourSameGroup)} of images` +
            (g.nearestNeighbourCeiling != null
              ? ` (at most ${pctOf(g.nearestNeighbourCeiling)}: the images whose ${g.column} has another image in the pool)`
              : '')
          : ''),
    );
  }
  console.log(rep.sentence);
  for (const note of r.notes ?? []) console.log(`note: ${note}`);
  if (r.csvPath) console.log(`curve: ${r.csvPath}`);
  if (r.svgPath) console.log(`chart: ${r.svgPath}`);
  if (r.verdictPath) console.log(`verdict: ${r.verdictPath}`);
}
