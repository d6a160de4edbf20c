// The admin portal's trend lines: one series per provider (success rate or latency over time).
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import { providerName } from '../lib/format';
import { axes, cursor, fixedRange, providerColor } from './theme';
import { UPlotChart } from './UPlotChart';

export interface TrendSeries {
  provider: string;
  points: { t: number; v: number | null }[];
}

export function TrendChart({ series, from, to, format, label, yMax, height = 220 }: {
  series: TrendSeries[];
  from: number;
  to: number;
  format: (v: number | null) => string;
  label: string;
  yMax?: number;
  height?: number;
}) {
  // uPlot wants one shared x column: align every provider's points on the union of times.
  const data = useMemo<uPlot.AlignedData>(() => {
    const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
    const cols = series.map((s) => {
      const at = new Map(s.points.map((p) => [p.t, p.v]));
      return xs.map((x) => at.get(x) ?? null);
    });
    return [xs.map((x) => x / 1000), ...cols];
  }, [series]);
  const options = useCallback((width: number): uPlot.Options => ({
    width, height, cursor, legend: { live: true },
    scales: {
      x: fixedRange(from / 1000, to / 1000),
      // A rate chart from 0 to 100 % flattens the dips that matter: start below the lowest point.
      y: { range: (_u, min, max) => (yMax !== undefined ? [Math.max(0, Math.floor(((min ?? 0) - 0.02) * 10) / 10), yMax] : [0, Math.max(10, max * 1.1)]) },
    },
    axes: axes((v) => format(v)),
    series: [
      { value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleString()) },
      ...series.map((s): uPlot.Series => ({
        label: providerName(s.provider), stroke: providerColor(s.provider), width: 2, spanGaps: true,
        points: { show: data[0].length < 40, size: 5 }, value: (_u, v) => format(v),
      })),
    ],
  }), [series, from, to, format, yMax, height, data]);
  const empty = data[0].length === 0 ? 'No checks in this period yet.' : null;
  return <UPlotChart options={options} data={data} height={height} label={label} empty={empty} />;
}
