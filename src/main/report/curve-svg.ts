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
 * data-strategy="..."> per strategy, <g class="legend">.
 */
import { area, line, max, min, scaleLinear, scaleLog, schemeTableau10 } from 'd3';
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
}

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
export function renderCurveSvg(points: readonly CurveSample[], opts: CurveSvgOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 440;
  const bandKind = opts.band ?? 'minmax';
  const title = opts.title ?? 'Orientation error vs labeled-set size';
  const curves = aggregateCurves(points.filter((p) => p.size > 0 && Number.isFinite(p.maeDeg)));
  const margin = { top: 48, right: 220, bottom: 56, left: 64 };
  const iw = width - margin.left - margin.right;
  const ih = height - margin.top - margin.bottom;
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12">\n<title>${escapeXml(title)}</title>\n` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>\n` +
    `<text class="title" x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>\n`;
  if (curves.length === 0) {
    return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">no learning-curve points yet</text>\n</svg>\n`;
  }

  const lo = (a: CurveAggregate): number => (bandKind === 'sd' ? Math.max(0, a.mean - a.sd) : a.min);
  const hi = (a: CurveAggregate): number => (bandKind === 'sd' ? a.mean + a.sd : a.max);
  const all = curves.flatMap((c) => c.points);
  const sizes = [...new Set(all.map((a) => a.size))].sort((a, b) => a - b);
  const xMin = sizes[0]!;
  const xMax = sizes[sizes.length - 1]!;
  const useLog = xMax / xMin > 10;
  const x = useLog
    ? scaleLog().domain([xMin, xMax]).range([0, iw])
    : scaleLinear()
        .domain(xMin === xMax ? [Math.max(0, xMin - 1), xMax + 1] : [xMin, xMax])
        .range([0, iw]);
  const yTop = Math.max(max(all, hi) ?? 1, opts.target?.maeDeg ?? 0);
  const yBottom = Math.min(0, min(all, lo) ?? 0);
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
    parts.push(
      `<g transform="translate(${fmt(x(t))},0)"><line y2="5" stroke="#333"/><text y="18" text-anchor="middle">${escapeXml(String(t))}</text></g>\n`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${fmt(iw / 2)}" y="42" text-anchor="middle">labeled-set size (images${useLog ? ', log scale' : ''})</text>\n</g>\n`,
  );
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

  const color = (i: number): string => schemeTableau10[i % schemeTableau10.length]!;
  const bandPath = area<CurveAggregate>()
    .x((a) => x(a.size))
    .y0((a) => y(lo(a)))
    .y1((a) => y(hi(a)));
  const linePath = line<CurveAggregate>()
    .x((a) => x(a.size))
    .y((a) => y(a.mean));
  const r2 = (d: string | null): string => (d ?? '').replace(/-?\d+\.\d+/g, (m) => fmt(Number(m)));

  parts.push('<g class="bands">\n');
  curves.forEach((c, i) => {
    parts.push(
      `<path class="curve-band" data-strategy="${escapeXml(c.strategy)}" d="${r2(bandPath(c.points as CurveAggregate[]))}" fill="${color(i)}" fill-opacity="0.18" stroke="none"/>\n`,
    );
  });
  parts.push('</g>\n<g class="lines">\n');
  curves.forEach((c, i) => {
    parts.push(
      `<path class="curve-line" data-strategy="${escapeXml(c.strategy)}" d="${r2(linePath(c.points as CurveAggregate[]))}" fill="none" stroke="${color(i)}" stroke-width="2"/>\n`,
    );
    for (const a of c.points) {
      parts.push(
        `<circle cx="${fmt(x(a.size))}" cy="${fmt(y(a.mean))}" r="3" fill="${color(i)}"><title>${escapeXml(c.strategy)}: ${a.size} labels, ${fmt(a.mean)} deg (${a.seeds} seed${a.seeds === 1 ? '' : 's'})</title></circle>\n`,
      );
    }
  });
  parts.push('</g>\n</g>\n');

  // legend
  const seedsOf = (c: (typeof curves)[number]): number => Math.max(...c.points.map((a) => a.seeds));
  parts.push(`<g class="legend" transform="translate(${width - margin.right + 16},${margin.top})">\n`);
  curves.forEach((c, i) => {
    const ly = i * 34;
    parts.push(
      `<g transform="translate(0,${ly})"><rect x="0" y="-6" width="22" height="12" fill="${color(i)}" fill-opacity="0.18"/>` +
        `<line x1="0" x2="22" stroke="${color(i)}" stroke-width="2"/>` +
        `<text x="28" dy="0.32em">${escapeXml(c.strategy)}</text>` +
        `<text x="28" y="14" dy="0.32em" font-size="10" fill="#666">mean of ${seedsOf(c)} seed${seedsOf(c) === 1 ? '' : 's'}, band ${bandKind === 'sd' ? '+-1 sd' : 'min-max'}</text></g>\n`,
    );
  });
  parts.push('</g>\n</svg>\n');
  return parts.join('');
}
