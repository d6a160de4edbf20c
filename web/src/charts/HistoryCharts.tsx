// The integration page's two charts: checks per period by outcome (stacked bars) and latency.
import { useCallback, useMemo } from 'react';
import uPlot from 'uplot';
import { latency } from '../lib/format';
import { axes, cssVar, cursor, fixedRange } from './theme';
import { bucketSeconds, latencyColumns, statusColumns, type History } from './series';
import { UPlotChart } from './UPlotChart';

interface Props {
  history: History;
  from: number;
  to: number;
  rangeLabel: string;
}

const height = 200;

export function StatusHistoryChart({ history, from, to, rangeLabel }: Props) {
  const bucket = bucketSeconds((to - from) / 3_600_000);
  const cols = useMemo(() => statusColumns(history, bucket), [history, bucket]);
  // Raw checks are facts (succeeded / failed); "degraded" is a verdict only rollups carry.
  const withDegraded = history.kind === 'rollup';
  // Stacked by drawing cumulative totals back to front: failed on top, then degraded, then ok.
  const data = useMemo<uPlot.AlignedData>(() => [
    cols.x,
    cols.x.map((_, i) => cols.ok[i]! + cols.degraded[i]! + cols.failed[i]!),
    ...(withDegraded ? [cols.x.map((_, i) => cols.ok[i]! + cols.degraded[i]!)] : []),
    cols.ok,
  ], [cols, withDegraded]);
  const options = useCallback((width: number): uPlot.Options => {
    const slot = width / ((to - from) / 1000 / bucket);
    const bars = uPlot.paths.bars!({ size: [0.8, Math.max(2, slot)], align: 0 });
    const series = (label: string, color: string, counts: number[]): uPlot.Series => ({
      label, fill: color, stroke: color, width: 0, paths: bars, points: { show: false },
      value: (_u, _v, _s, idx) => (idx === null ? '—' : String(counts[idx] ?? 0)),
    });
    return {
      width, height, cursor, legend: { live: true },
      scales: { x: fixedRange(from / 1000, to / 1000), y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: axes((v) => (Number.isInteger(v) ? String(v) : '')),
      series: [
        { value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleString()) },
        series('Failed', cssVar('--red'), cols.failed),
        ...(withDegraded ? [series('Degraded', cssVar('--yellow'), cols.degraded)] : []),
        series('Succeeded', cssVar('--green'), cols.ok),
      ],
    };
  }, [cols, from, to, bucket, withDegraded]);
  const total = cols.ok.reduce((a, b) => a + b, 0) + cols.degraded.reduce((a, b) => a + b, 0) + cols.failed.reduce((a, b) => a + b, 0);
  const failed = cols.failed.reduce((a, b) => a + b, 0);
  return (
    <UPlotChart options={options} data={data} height={height}
      label={`Checks over the last ${rangeLabel}: ${total} in total, ${failed} failed.`}
      empty={total === 0 ? 'No checks in this period yet.' : null} />
  );
}

export function LatencyChart({ history, from, to, rangeLabel }: Props) {
  const cols = useMemo(() => latencyColumns(history), [history]);
  const data = useMemo<uPlot.AlignedData>(() => [cols.x, ...cols.lines.map((l) => l.values)], [cols]);
  const options = useCallback((width: number): uPlot.Options => {
    const colors = [cssVar('--accent'), cssVar('--series-2')];
    return {
      width, height, cursor, legend: { live: true },
      scales: { x: fixedRange(from / 1000, to / 1000), y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
      axes: axes((v) => latency(v)),
      series: [
        { value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleString()) },
        ...cols.lines.map((l, i): uPlot.Series => ({
          label: l.label, stroke: colors[i], width: 2, spanGaps: false,
          fill: i === 0 ? `${colors[0]}22` : undefined,
          points: { show: cols.x.length < 60, size: 4 },
          value: (_u, v) => latency(v),
        })),
      ],
    };
  }, [cols, from, to]);
  const values = cols.lines[0]?.values.filter((v): v is number => v !== null) ?? [];
  const avg = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  return (
    <UPlotChart options={options} data={data} height={height}
      label={`Latency over the last ${rangeLabel}${avg !== null ? `: ${latency(avg)} on average` : ''}.`}
      empty={values.length === 0 ? 'No latency measured in this period yet.' : null} />
  );
}
