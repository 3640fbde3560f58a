/**
 * The orientation widget: an arrow over the image, centred on it, pointing at
 * `angle` degrees clockwise from image up (SVG rotate() is clockwise on screen
 * because y grows downward). Dragging anywhere over the image points the arrow
 * at the pointer. Axial projects draw a double-headed line.
 */
import { useEffect, useRef, useState } from 'react';
import type { AnglePeriod, Degrees } from '../../shared/angle.js';
import { angleFromPointer } from '../lib/angle-ui.js';

export interface AngleOverlayProps {
  readonly angle: Degrees;
  readonly period: AnglePeriod;
  readonly onChange: (angle: Degrees) => void;
  readonly disabled?: boolean;
}

export function AngleOverlay(props: AngleOverlayProps): React.JSX.Element {
  const ref = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize({ w: r.width, h: r.height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const update = (e: React.PointerEvent<SVGSVGElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const a = angleFromPointer(r.left + r.width / 2, r.top + r.height / 2, e.clientX, e.clientY, props.period);
    if (a !== null) props.onChange(a);
  };

  const cx = size.w / 2;
  const cy = size.h / 2;
  const L = Math.max(20, Math.min(size.w, size.h) * 0.42);
  const head = Math.max(10, L * 0.12);
  const axial = props.period === 180;
  const ticks = [0, 90, 180, 270];

  return (
    <svg
      ref={ref}
      className={`angle-overlay${dragging ? ' dragging' : ''}`}
      data-testid="angle-overlay"
      width="100%"
      height="100%"
      onPointerDown={(e) => {
        if (props.disabled || e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        setDragging(true);
        update(e);
      }}
      onPointerMove={(e) => {
        if (dragging) update(e);
      }}
      onPointerUp={(e) => {
        if (!dragging) return;
        update(e);
        setDragging(false);
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onPointerCancel={() => setDragging(false)}
    >
      {size.w > 0 && (
        <g transform={`translate(${cx} ${cy})`}>
          <circle className="dial" r={L} />
          {ticks.map((t) => (
            <g key={t} transform={`rotate(${t})`}>
              <line className="dial-tick" x1={0} y1={-L} x2={0} y2={-L + 10} />
              <text className="dial-label" x={0} y={-L - 6} textAnchor="middle" transform={`rotate(${-t} 0 ${-L - 10})`}>
                {t}°
              </text>
            </g>
          ))}
          <g className="arrow" data-testid="arrow" data-angle={props.angle} transform={`rotate(${props.angle})`}>
            <line className="arrow-halo" x1={0} y1={axial ? L - head : 0} x2={0} y2={-L + head} />
            <line className="arrow-shaft" x1={0} y1={axial ? L - head : 0} x2={0} y2={-L + head} />
            <path className="arrow-head" d={`M0 ${-L} L${head * 0.7} ${-L + head * 1.4} L${-head * 0.7} ${-L + head * 1.4} Z`} />
            {axial && <path className="arrow-head" d={`M0 ${L} L${head * 0.7} ${L - head * 1.4} L${-head * 0.7} ${L - head * 1.4} Z`} />}
            <circle className="arrow-hub" r={5} />
          </g>
        </g>
      )}
    </svg>
  );
}
