/**
 * Learning curve (the paper's Fig. 2, live): mean angular error of the
 * orientation model on the labeled test split (degrees) against the
 * labeled-set size (labels), one line per strategy, the random baseline
 * dashed, the 95 % interval of every point as a band and an error bar (the
 * spread over seeds for points measured before intervals), the chance level
 * as a red dashed line, hover for values. Drawn with d3.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import type { CurvePoint } from '../../shared/types.js';
import { atChance, buildSeries, type Series, type SeriesPoint } from '../lib/curve-series.js';
import { useSize } from '../lib/use-size.js';

const COLORS = ['#2563eb', '#059669', '#7c3aed', '#db2777', '#0891b2', '#ca8a04'];
const BASELINE_COLOR = '#9a3412';

interface Hover {
  readonly x: number;
  readonly y: number;
  readonly series: Series;
  readonly point: SeriesPoint;
}

export function LearningCurveChart(props: { points: readonly CurvePoint[]; period: number }): React.JSX.Element {
  const wrap = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width, height } = useSize(wrap);
  const series = useMemo(() => buildSeries(props.points), [props.points]);
  const [hover, setHover] = useState<Hover | null>(null);

  const colorOf = useMemo(() => {
    const m = new Map<string, string>();
    let i = 0;
    for (const s of series) m.set(s.key, s.isBaseline ? BASELINE_COLOR : COLORS[i++ % COLORS.length]!);
    return m;
  }, [series]);

  useEffect(() => {
    const svg = d3.select(svgRef.current);
    svg.selectAll('*').remove();
    if (width < 50 || height < 50) return;
    const m = { top: 16, right: 20, bottom: 46, left: 58 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    const all = series.flatMap((s) => s.points);
    const maxSize = d3.max(all, (p) => p.size) ?? 10;
    // Chance levels of the test sets the points were measured on, to 0.1 degree: the live curve's labeled
    // test images and compare's truth can differ, so each line says which it belongs to.
    // One line per test set: the live curve's labeled test images grow as labels arrive, so its latest
    // (largest) point says the chance level of the test split as it is now; one compare shares one.
    const latest = new Map<string, { size: number; chance: number }>();
    for (const sr of series) {
      const source = sr.key.includes('|compare') ? 'compare' : 'live';
      for (const p of sr.points) {
        if (p.chanceDeg === undefined) continue;
        const cur = latest.get(source);
        if (!cur || p.size >= cur.size) latest.set(source, { size: p.size, chance: p.chanceDeg });
      }
    }
    const chanceOf = new Map<number, Set<string>>();
    for (const [source, { chance }] of latest) {
      const c = Math.round(chance * 10) / 10;
      (chanceOf.get(c) ?? chanceOf.set(c, new Set()).get(c)!).add(source);
    }
    const chances = [...chanceOf.keys()].sort((a, b) => a - b);
    const maxErr = Math.max(10, d3.max(all, (p) => Math.max(p.max, p.ciHigh ?? 0)) ?? props.period / 4, ...chances);
    const x = d3
      .scaleLinear()
      .domain([0, Math.max(maxSize, 5)])
      .nice()
      .range([0, w]);
    const y = d3
      .scaleLinear()
      .domain([0, Math.min(props.period / 2, maxErr * 1.1)])
      .nice()
      .range([h, 0]);
    const g = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);

    g.append('g')
      .attr('class', 'grid')
      .call(
        d3
          .axisLeft(y)
          .ticks(6)
          .tickSize(-w)
          .tickFormat(() => ''),
      );
    g.append('g')
      .attr('class', 'axis axis-x')
      .attr('transform', `translate(0,${h})`)
      .call(d3.axisBottom(x).ticks(Math.min(8, maxSize)).tickFormat(d3.format('d')));
    g.append('g')
      .attr('class', 'axis axis-y')
      .call(
        d3
          .axisLeft(y)
          .ticks(6)
          .tickFormat((d) => `${String(d)}°`),
      );
    g.append('text')
      .attr('class', 'axis-title')
      .attr('x', w / 2)
      .attr('y', h + 38)
      .attr('text-anchor', 'middle')
      .text('labeled-set size (labels)');
    g.append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(${-44},${h / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('mean angular error (degrees)');

    if (all.length === 0) {
      g.append('text')
        .attr('class', 'chart-empty')
        .attr('x', w / 2)
        .attr('y', h / 2)
        .attr('text-anchor', 'middle')
        .text('No learning-curve points yet');
      return;
    }

    chances.forEach((c, i) => {
      g.append('line').attr('class', 'chance-line').attr('x1', 0).attr('x2', w).attr('y1', y(c)).attr('y2', y(c));
      const which =
        chances.length > 1
          ? ` (${[...chanceOf.get(c)!].map((k) => (k === 'compare' ? 'compare' : 'live curve')).join(', ')})`
          : ` (no skill: ${Math.abs(c - 90) < 0.05 || Math.abs(c - 45) < 0.05 ? 'a blind guess' : "always the test split's mean angle"})`;
      // Two lines close together: labels at opposite ends, the lower one below its line.
      g.append('text')
        .attr('class', 'chance-label')
        .attr('x', i % 2 === 0 ? 4 : w - 4)
        .attr('text-anchor', i % 2 === 0 ? 'start' : 'end')
        .attr('y', i % 2 === 0 && chances.length > 1 ? y(c) + 13 : y(c) - 5)
        .text(`chance level ${c.toFixed(1)}°${which}`);
    });

    for (const s of series) {
      const color = colorOf.get(s.key)!;
      const withCi = s.points.every((p) => p.ciLow !== undefined && p.ciHigh !== undefined);
      if (withCi) {
        const band = d3
          .area<SeriesPoint>()
          .x((p) => x(p.size))
          .y0((p) => y(p.ciLow!))
          .y1((p) => y(p.ciHigh!));
        g.append('path').datum(s.points).attr('class', 'curve-band ci').attr('data-series', s.key).attr('fill', color).attr('d', band);
        // Error bars too: a single point has no band to show.
        g.selectAll(null)
          .data(s.points)
          .join('path')
          .attr('class', 'curve-ci')
          .attr('data-series', s.key)
          .attr('stroke', color)
          .attr(
            'd',
            (p) =>
              `M${x(p.size) - 4},${y(p.ciLow!)}H${x(p.size) + 4}M${x(p.size)},${y(p.ciLow!)}V${y(p.ciHigh!)}M${x(p.size) - 4},${y(p.ciHigh!)}H${x(p.size) + 4}`,
          );
      } else if (s.points.some((p) => p.max > p.min)) {
        const area = d3
          .area<SeriesPoint>()
          .x((p) => x(p.size))
          .y0((p) => y(p.min))
          .y1((p) => y(p.max));
        g.append('path').datum(s.points).attr('class', 'curve-band').attr('fill', color).attr('d', area);
      }
      const line = d3
        .line<SeriesPoint>()
        .x((p) => x(p.size))
        .y((p) => y(p.mae));
      g.append('path')
        .datum(s.points)
        .attr('class', `curve-line${s.isBaseline ? ' baseline' : ''}`)
        .attr('data-series', s.key)
        .attr('stroke', color)
        .attr('d', line);
      g.selectAll(null)
        .data(s.points)
        .join('circle')
        .attr('class', 'curve-point')
        .attr('data-series', s.key)
        .attr('cx', (p) => x(p.size))
        .attr('cy', (p) => y(p.mae))
        .attr('r', 4)
        .attr('fill', color);
    }

    const flat = series.flatMap((s) => s.points.map((p) => ({ s, p, px: x(p.size), py: y(p.mae) })));
    g.append('rect')
      .attr('class', 'hover-capture')
      .attr('width', w)
      .attr('height', h)
      .on('mousemove', (ev: MouseEvent) => {
        const [mx, my] = d3.pointer(ev);
        let best: (typeof flat)[number] | null = null;
        let bd = Infinity;
        for (const f of flat) {
          const d = Math.hypot(f.px - mx, f.py - my);
          if (d < bd) {
            bd = d;
            best = f;
          }
        }
        setHover(best && bd < 60 ? { x: best.px + m.left, y: best.py + m.top, series: best.s, point: best.p } : null);
      })
      .on('mouseleave', () => setHover(null));
  }, [series, width, height, colorOf, props.period]);

  return (
    <div className="chart" ref={wrap} data-testid="learning-curve">
      <svg ref={svgRef} width={width} height={height} role="img" aria-label="Learning curve: mean angular error against labeled-set size" />
      {series.length > 0 && (
        <ul className="legend">
          {series.map((s) => (
            <li key={s.key}>
              <span className={`swatch${s.isBaseline ? ' dashed' : ''}`} data-color={colorOf.get(s.key)}>
                <svg width="22" height="10">
                  <line x1="1" y1="5" x2="21" y2="5" stroke={colorOf.get(s.key)} strokeWidth="3" strokeDasharray={s.isBaseline ? '5 3' : undefined} />
                </svg>
              </span>
              {s.label}
              {s.oneOrder ? <span className="muted"> (one order)</span> : null}
            </li>
          ))}
        </ul>
      )}
      {hover && (
        <div className="tooltip" role="tooltip" style={{ left: hover.x + 12, top: hover.y - 12 }}>
          <strong>{hover.series.label}</strong>
          <div>{hover.point.size} labels</div>
          <div>
            mean error {hover.point.mae.toFixed(1)}°
            {hover.point.ciLow !== undefined && hover.point.ciHigh !== undefined
              ? ` (95 % interval ${hover.point.ciLow.toFixed(1)}–${hover.point.ciHigh.toFixed(1)}°${hover.series.oneOrder ? ', one order' : hover.point.seeds > 1 ? `, ${hover.point.seeds} seeds` : ''})`
              : hover.point.seeds > 1
                ? ` (${hover.point.min.toFixed(1)}–${hover.point.max.toFixed(1)}° over ${hover.point.seeds} seeds)`
                : ''}
          </div>
          {atChance(hover.point) && <div className="not-learned">not learned yet: within its interval of chance ({hover.point.chanceDeg!.toFixed(1)}°)</div>}
          <div>median {hover.point.median.toFixed(1)}°</div>
          <div>within 10°: {(hover.point.within10 * 100).toFixed(0)} %</div>
          <div className="muted">test set: {hover.point.testSize} images</div>
        </div>
      )}
    </div>
  );
}
