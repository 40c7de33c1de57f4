// memcached's hits and misses since the view opened, as a line chart drawn by uPlot (a small canvas
// chart library): one point per state, the time axis in seconds before now.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CounterPoint } from './inspect-store.ts';

const HEIGHT = 150;

/** The chart's data: seconds before the last point, and each counter since the first. */
export function chartData(history: CounterPoint[]): uPlot.AlignedData {
  const last = history[history.length - 1]?.at ?? 0;
  const first = history[0] ?? { hits: 0, misses: 0 };
  return [
    history.map((p) => (p.at - last) / 1000),
    history.map((p) => p.hits - first.hits),
    history.map((p) => p.misses - first.misses),
  ];
}

/** A CSS class's text colour as the canvas needs it (the theme's colours are CSS variables). */
function colourOf(box: HTMLElement, className: string): string {
  const probe = document.createElement('span');
  probe.className = className;
  probe.hidden = true;
  box.appendChild(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}

export function CounterChart({ history }: { history: CounterPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current!;
    const axis = { stroke: colourOf(el, 'chart-axis'), grid: { stroke: colourOf(el, 'chart-grid'), width: 1 } };
    const made = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        scales: { x: { time: false } },
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: 'seconds ago', value: (_u, v) => (v === null ? '—' : `${Math.round(-v)} s ago`) },
          { label: 'hits', stroke: colourOf(el, 'legend-hits'), width: 2 },
          { label: 'misses', stroke: colourOf(el, 'legend-misses'), width: 2 },
        ],
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((t) => `${Math.round(-t)} s`) },
          { ...axis, size: 40 },
        ],
      },
      chartData([]),
      el,
    );
    plot.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(chartData(history));
  }, [history]);

  return (
    <figure className="inspect-chart" aria-label="Hits and misses since the view opened" data-testid="memcached-chart">
      <div ref={box} />
      <figcaption>
        <span className="legend-hits">hits</span> and <span className="legend-misses">misses</span> since the view
        opened, one point per change
      </figcaption>
    </figure>
  );
}
