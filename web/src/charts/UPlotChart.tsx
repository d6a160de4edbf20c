// uPlot in React: create once per option set, resize with the container, update data in place.
// The container has a fixed height, so a chart arriving never moves the page.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** Built from the container width; called again when the theme or the options change. */
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for screen readers (charts are images to them). */
  label: string;
  empty?: string | null;
}

function useColorScheme(): 'light' | 'dark' {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const [dark, setDark] = useState(query.matches);
  useEffect(() => {
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark ? 'dark' : 'light';
}

export function UPlotChart({ options, data, height, label, empty }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const scheme = useColorScheme();
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const u = new uPlot({ ...options(width), width, height }, latestData.current, el);
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height, scheme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div className="chart" role="img" aria-label={label}>
      {/* The legend wraps on narrow screens: reserve one line, grow if it needs more. */}
      <div ref={box} className="chart__canvas" style={{ minHeight: height + 34 }} />
      {empty && <p className="chart__empty">{empty}</p>}
    </div>
  );
}
