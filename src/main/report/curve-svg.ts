/**
 * Standalone SVG learning-curve chart (the seed paper's Fig. 2, Philipsen &
 * Moeslund, arXiv 2003.14043): x = labeled-set size (log scale when the sizes
 * span more than one decade), y = mean absolute angular error on the test split
 * (degrees), one line per strategy (mean over seeds) with a band of the spread
 * over seeds (min-max by default, or mean +- 1 sd), axis labels with units, a
 * legend and a title.
 *
 * Built with d3-scale, d3-shape and d3-array as a string: no DOM needed, so it
 * runs in the main process, the CLI and tests alike.
 *
 * Elements tests and the UI can rely on: one <path class="curve-line"
 * data-strategy="..."> per strategy, one <path class="curve-band"
 * data-strategy="..."> per strategy, <g class="legend">, <g class="chance">
 * when the chance level is known, <g class="group-coverage"> with groups.
 */
import { area, line, max, min, scaleLinear, scaleLog, schemeTableau10 } from 'd3';
import type { CurvePointExtra } from '../../shared/types.js';
import type { CurveAggregate, CurveSample } from './curve-stats.js';
import { aggregateCurves } from './curve-stats.js';

export interface CurveSvgOptions {
  readonly title?: string;
  /** px, default 720 x 440. */
  readonly width?: number;
  readonly height?: number;
  /** Band of the spread over seeds: 'minmax' (default) or 'sd' (mean +- 1 sample sd). */
  readonly band?: 'minmax' | 'sd';
  /** Optional horizontal line (degrees) with its label, e.g. the target error. */
  readonly target?: { readonly maeDeg: number; readonly label: string };
  /** Chance level (degrees), drawn as a dashed line; default: the points' chanceDeg. */
  readonly chanceDeg?: number;
  /** Coverage of the variety: groups in the pool and the embedding's nearest-neighbour same-group rate. */
  readonly groups?: { readonly column: string; readonly inPool: number; readonly nearestNeighbourSameGroup: number | null };
}

/** A point with what the chart reads beyond the error (interval, chance level, groups). */
export type CurveSvgPoint = CurveSample & { readonly ciLow?: number; readonly ciHigh?: number; readonly chanceDeg?: number; readonly extra?: CurvePointExtra };

/** Escape text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const fmt = (v: number): string => String(Math.round(v * 100) / 100);

/**
 * Render the chart.
 * @param points curve points (any number of strategies, seeds and sizes; sizes > 0).
 * @returns a complete SVG 1.1 document (string), with a "no data" message when points is empty.
 */
export function renderCurveSvg(points: readonly CurveSvgPoint[], opts: CurveSvgOptions = {}): string {
  const width = opts.width ?? 720;
  const withGroups = points.some((p) => p.extra?.groups !== undefined);
  const strategiesWithGroups = [...new Set(points.filter((p) => p.extra?.groups !== undefined).map((p) => p.strategy))];
  const tableHeight = withGroups ? 80 + 18 * (strategiesWithGroups.length + 1) : 0;
  const height = (opts.height ?? 440) + tableHeight;
  const chartHeight = height - tableHeight;
  const chance = opts.chanceDeg ?? points.find((p) => p.chanceDeg !== undefined)?.chanceDeg;
  // The 95 % interval of each (strategy, size) point, where measured.
  const ci = new Map<string, { lo: number; hi: number }>();
  for (const p of points) if (p.ciLow !== undefined && p.ciHigh !== undefined) ci.set(`${p.strategy}|${p.size}`, { lo: p.ciLow, hi: p.ciHigh });
  const bandKind = opts.band ?? 'minmax';
  const title = opts.title ?? 'Orientation error vs labeled-set size';
  const curves = aggregateCurves(points.filter((p) => p.size > 0 && Number.isFinite(p.maeDeg)));
  const margin = { top: 48, right: 220, bottom: 56, left: 64 };
  const iw = width - margin.left - margin.right;
  const ih = chartHeight - margin.top - margin.bottom;
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12">\n<title>${escapeXml(title)}</title>\n` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>\n` +
    `<text class="title" x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>\n`;
  if (curves.length === 0) {
    return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">no learning-curve points yet</text>\n</svg>\n`;
  }

  const withCi = curves.map((c) => c.points.every((a) => ci.has(`${c.strategy}|${a.size}`)));
  const loOf = (c: number, a: CurveAggregate): number =>
    withCi[c] ? ci.get(`${curves[c]!.strategy}|${a.size}`)!.lo : bandKind === 'sd' ? Math.max(0, a.mean - a.sd) : a.min;
  const hiOf = (c: number, a: CurveAggregate): number =>
    withCi[c] ? ci.get(`${curves[c]!.strategy}|${a.size}`)!.hi : bandKind === 'sd' ? a.mean + a.sd : a.max;
  const all = curves.flatMap((c) => c.points);
  const allHi = curves.flatMap((c, i) => c.points.map((a) => hiOf(i, a)));
  const allLo = curves.flatMap((c, i) => c.points.map((a) => loOf(i, a)));
  const sizes = [...new Set(all.map((a) => a.size))].sort((a, b) => a - b);
  const xMin = sizes[0]!;
  const xMax = sizes[sizes.length - 1]!;
  const useLog = xMax / xMin > 10;
  const x = useLog
    ? scaleLog().domain([xMin, xMax]).range([0, iw])
    : scaleLinear()
        .domain(xMin === xMax ? [Math.max(0, xMin - 1), xMax + 1] : [xMin, xMax])
        .range([0, iw]);
  const yTop = Math.max(max(allHi) ?? 1, opts.target?.maeDeg ?? 0, chance ?? 0);
  const yBottom = Math.min(0, min(allLo) ?? 0);
  const y = scaleLinear()
    .domain([yBottom, yTop > yBottom ? yTop * 1.05 : yBottom + 1])
    .nice()
    .range([ih, 0]);

  const xTicks = sizes.length <= 12 ? sizes : x.ticks(8);
  const yTicks = y.ticks(6);
  const parts: string[] = [head, `<g transform="translate(${margin.left},${margin.top})">\n`];

  // grid and axes
  parts.push('<g class="grid" stroke="#e5e5e5">\n');
  for (const t of yTicks) parts.push(`<line x1="0" x2="${fmt(iw)}" y1="${fmt(y(t))}" y2="${fmt(y(t))}"/>\n`);
  parts.push('</g>\n');
  parts.push(`<g class="x-axis" transform="translate(0,${fmt(ih)})">\n<line x1="0" x2="${fmt(iw)}" stroke="#333"/>\n`);
  for (const t of xTicks) {
    parts.push(`<g transform="translate(${fmt(x(t))},0)"><line y2="5" stroke="#333"/><text y="18" text-anchor="middle">${escapeXml(String(t))}</text></g>\n`);
  }
  parts.push(`<text class="axis-label" x="${fmt(iw / 2)}" y="42" text-anchor="middle">labeled-set size (images${useLog ? ', log scale' : ''})</text>\n</g>\n`);
  parts.push(`<g class="y-axis">\n<line y1="0" y2="${fmt(ih)}" stroke="#333"/>\n`);
  for (const t of yTicks) {
    parts.push(`<g transform="translate(0,${fmt(y(t))})"><line x2="-5" stroke="#333"/><text x="-8" dy="0.32em" text-anchor="end">${fmt(t)}</text></g>\n`);
  }
  parts.push(
    `<text class="axis-label" transform="translate(-46,${fmt(ih / 2)}) rotate(-90)" text-anchor="middle">mean absolute angular error (degrees)</text>\n</g>\n`,
  );

  if (opts.target) {
    const ty = fmt(y(opts.target.maeDeg));
    parts.push(
      `<g class="target"><line x1="0" x2="${fmt(iw)}" y1="${ty}" y2="${ty}" stroke="#888" stroke-dasharray="4 3"/>` +
        `<text x="${fmt(iw)}" y="${ty}" dy="-4" text-anchor="end" fill="#555">${escapeXml(opts.target.label)}</text></g>\n`,
    );
  }

  if (chance !== undefined) {
    const cy = fmt(y(chance));
    parts.push(
      `<g class="chance"><line x1="0" x2="${fmt(iw)}" y1="${cy}" y2="${cy}" stroke="#b91c1c" stroke-dasharray="6 4" stroke-width="1.5"/>` +
        `<text x="4" y="${cy}" dy="-5" fill="#b91c1c">chance level ${fmt(chance)} deg (a guess that knows nothing)</text></g>\n`,
    );
  }

  const color = (i: number): string => schemeTableau10[i % schemeTableau10.length]!;
  const bandPath = (c: number) =>
    area<CurveAggregate>()
      .x((a) => x(a.size))
      .y0((a) => y(loOf(c, a)))
      .y1((a) => y(hiOf(c, a)));
  const linePath = line<CurveAggregate>()
    .x((a) => x(a.size))
    .y((a) => y(a.mean));
  const r2 = (d: string | null): string => (d ?? '').replace(/-?\d+\.\d+/g, (m) => fmt(Number(m)));

  parts.push('<g class="bands">\n');
  curves.forEach((c, i) => {
    parts.push(
      `<path class="curve-band" data-strategy="${escapeXml(c.strategy)}" d="${r2(bandPath(i)(c.points as CurveAggregate[]))}" fill="${color(i)}" fill-opacity="0.18" stroke="none"/>\n`,
    );
  });
  parts.push('</g>\n<g class="lines">\n');
  curves.forEach((c, i) => {
    parts.push(
      `<path class="curve-line" data-strategy="${escapeXml(c.strategy)}" d="${r2(linePath(c.points as CurveAggregate[]))}" fill="none" stroke="${color(i)}" stroke-width="2"/>\n`,
    );
    for (const a of c.points) {
      const band = withCi[i] ? `, 95 % interval ${fmt(loOf(i, a))}-${fmt(hiOf(i, a))}` : '';
      parts.push(
        `<circle cx="${fmt(x(a.size))}" cy="${fmt(y(a.mean))}" r="3" fill="${color(i)}"><title>${escapeXml(c.strategy)}: ${a.size} labels, ${fmt(a.mean)} deg${band} (${oneOrder(c.strategy) ? 'one order' : `${a.seeds} seed${a.seeds === 1 ? '' : 's'}`})</title></circle>\n`,
      );
    }
  });
  parts.push('</g>\n</g>\n');

  // legend
  const seedsOf = (c: (typeof curves)[number]): number => Math.max(...c.points.map((a) => a.seeds));
  const legendNote = (c: (typeof curves)[number], i: number): string => {
    const n = seedsOf(c);
    if (withCi[i]) {
      if (oneOrder(c.strategy)) return 'one order, 95 % interval';
      return `${n === 1 ? '1 seed' : `mean of ${n} seeds`}, band 95 % interval`;
    }
    return `mean of ${n} seed${n === 1 ? '' : 's'}, band ${bandKind === 'sd' ? '+-1 sd' : 'min-max'}`;
  };
  parts.push(`<g class="legend" transform="translate(${width - margin.right + 16},${margin.top})">\n`);
  curves.forEach((c, i) => {
    const ly = i * 34;
    parts.push(
      `<g transform="translate(0,${ly})"><rect x="0" y="-6" width="22" height="12" fill="${color(i)}" fill-opacity="0.18"/>` +
        `<line x1="0" x2="22" stroke="${color(i)}" stroke-width="2"/>` +
        `<text x="28" dy="0.32em">${escapeXml(c.strategy)}</text>` +
        `<text x="28" y="14" dy="0.32em" font-size="10" fill="#666">${escapeXml(legendNote(c, i))}</text></g>\n`,
    );
  });
  parts.push('</g>\n');
  if (withGroups) parts.push(groupTable(points, strategiesWithGroups, chartHeight, width, opts.groups));
  parts.push('</svg>\n');
  return parts.join('');

  /** Every seed of the strategy gave the same curve (marked by compare, or seen in the points). */
  function oneOrder(strategy: string): boolean {
    const own = points.filter((p) => p.strategy === strategy);
    if (own.some((p) => p.extra?.oneOrder)) return true;
    const seeds = new Set(own.map((p) => p.seed));
    if (seeds.size < 2) return false;
    const bySize = new Map<number, Set<number>>();
    for (const p of own) (bySize.get(p.size) ?? bySize.set(p.size, new Set()).get(p.size)!).add(p.maeDeg);
    return [...bySize.values()].every((v) => v.size === 1);
  }
}

/** Table of distinct groups among the first n labels: per strategy the mean over seeds, then the oracle. */
function groupTable(points: readonly CurveSvgPoint[], strategies: readonly string[], top: number, width: number, g?: CurveSvgOptions['groups']): string {
  const sizes = [...new Set(points.filter((p) => p.extra?.groups !== undefined).map((p) => p.size))].sort((a, b) => a - b);
  const meanAt = (s: string, n: number): number | null => {
    const v = points.filter((p) => p.strategy === s && p.size === n && p.extra?.groups !== undefined).map((p) => p.extra!.groups!);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const left = 64;
  const colW = Math.min(90, (width - left - 160) / Math.max(1, sizes.length));
  const nn = g?.nearestNeighbourSameGroup;
  const plural = g ? escapeXml(/(s|x|ch|sh)$/.test(g.column) ? `${g.column}es` : `${g.column}s`) : 'groups';
  const head = `Distinct ${plural} among the first n labels (mean over seeds)`;
  const sub =
    (g ? `${g.inPool} in the pool` : '') +
    (nn !== undefined && nn !== null
      ? `; nearest neighbour in the embedding is of the same ${escapeXml(g!.column)} for ${Math.round(nn * 100)} % of images`
      : '');
  const out: string[] = [
    `<g class="group-coverage" transform="translate(${left},${top + 8})">\n<text font-weight="bold">${head}</text>\n`,
    `<text class="sub" y="16" font-size="11" fill="#555">${sub}</text>\n`,
  ];
  const row = (y: number, label: string, cells: string[], cls = ''): void => {
    out.push(`<g class="row${cls}" transform="translate(0,${y})"><text>${escapeXml(label)}</text>`);
    cells.forEach((c, i) => out.push(`<text x="${fmt(160 + i * colW + colW - 8)}" text-anchor="end">${escapeXml(c)}</text>`));
    out.push('</g>\n');
  };
  row(38, 'n =', sizes.map(String), ' head');
  strategies.forEach((s, i) =>
    row(
      56 + i * 18,
      s,
      sizes.map((n) => {
        const m = meanAt(s, n);
        return m === null ? '' : fmt(Math.round(m * 10) / 10);
      }),
    ),
  );
  if (g)
    row(
      56 + strategies.length * 18,
      'oracle min(n, groups)',
      sizes.map((n) => String(Math.min(n, g.inPool))),
      ' oracle',
    );
  out.push('</g>\n');
  return out.join('');
}
