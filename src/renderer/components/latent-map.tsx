/**
 * Latent map (the paper's Fig. 1, live): the embeddings projected on their
 * first two principal components; unlabeled, labeled, next-up and test-split
 * images in distinct colours. Drawn with d3; very large projects show a
 * uniform sample of the unlabeled points (all others are always drawn).
 */
import { useEffect, useMemo, useRef } from 'react';
import * as d3 from 'd3';
import type { LatentPoint } from '../../shared/types.js';
import { useSize } from '../lib/use-size.js';

const MAX_UNLABELED = 20_000;
const ORDER: readonly LatentPoint['state'][] = ['unlabeled', 'test', 'labeled', 'next'];
const NAMES: Record<LatentPoint['state'], string> = { unlabeled: 'unlabeled', labeled: 'labeled (training)', next: 'next up', test: 'test split (held out)' };

export function LatentMap(props: { points: readonly LatentPoint[] }): React.JSX.Element {
  const wrap = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width, height } = useSize(wrap);
  const counts = useMemo(() => {
    const c: Record<LatentPoint['state'], number> = { unlabeled: 0, labeled: 0, next: 0, test: 0 };
    for (const p of props.points) c[p.state]++;
    return c;
  }, [props.points]);

  useEffect(() => {
    const svg = d3.select(svgRef.current);
    svg.selectAll('*').remove();
    if (width < 50 || height < 50) return;
    // The legend sits above the plot (one or two rows in the top margin), so it never hides points.
    const m = { top: 48, right: 12, bottom: 34, left: 44 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    const g = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
    if (props.points.length === 0) {
      g.append('text')
        .attr('class', 'chart-empty')
        .attr('x', w / 2)
        .attr('y', h / 2)
        .attr('text-anchor', 'middle')
        .text('No embeddings yet');
      return;
    }
    const xs = d3.extent(props.points, (p) => p.x) as [number, number];
    const ys = d3.extent(props.points, (p) => p.y) as [number, number];
    const pad = (e: [number, number]): [number, number] => {
      const d = e[1] - e[0] || 1;
      return [e[0] - d * 0.05, e[1] + d * 0.05];
    };
    const x = d3.scaleLinear().domain(pad(xs)).range([0, w]);
    const y = d3.scaleLinear().domain(pad(ys)).range([h, 0]);
    g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${h})`).call(d3.axisBottom(x).ticks(5));
    g.append('g').attr('class', 'axis axis-y').call(d3.axisLeft(y).ticks(5));
    g.append('text')
      .attr('class', 'axis-title')
      .attr('x', w / 2)
      .attr('y', h + 30)
      .attr('text-anchor', 'middle')
      .text('PC 1 (latent units)');
    g.append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(${-34},${h / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('PC 2');

    let unl = props.points.filter((p) => p.state === 'unlabeled');
    if (unl.length > MAX_UNLABELED) {
      const step = unl.length / MAX_UNLABELED;
      unl = Array.from({ length: MAX_UNLABELED }, (_, i) => unl[Math.floor(i * step)]!);
    }
    for (const state of ORDER) {
      const pts = state === 'unlabeled' ? unl : props.points.filter((p) => p.state === state);
      g.append('g')
        .attr('class', `latent-layer latent-${state}`)
        .selectAll('circle')
        .data(pts)
        .join('circle')
        .attr('class', `latent-point ${state}`)
        .attr('cx', (p) => x(p.x))
        .attr('cy', (p) => y(p.y))
        .attr('r', state === 'next' ? 5 : state === 'unlabeled' ? 2.5 : 3.5)
        .append('title')
        .text((p) => `image ${p.imageId}: ${NAMES[p.state]}`);
    }
  }, [props.points, width, height]);

  return (
    <div className="chart latent-map" ref={wrap} data-testid="latent-map">
      <svg ref={svgRef} width={width} height={height} role="img" aria-label="Latent map: PCA plane of the embeddings" />
      <ul className="legend">
        {ORDER.map((s) => (
          <li key={s}>
            <span className={`dot ${s}`} />
            {NAMES[s]} <span className="muted">{counts[s]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
