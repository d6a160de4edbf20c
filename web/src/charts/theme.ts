// Chart colours come from the stylesheet's custom properties, so charts follow light/dark mode.
import type uPlot from 'uplot';

export const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const providerVars: Record<string, string> = {
  gmail: '--series-1', google_calendar: '--series-2', slack: '--series-3', mcp: '--series-4', http: '--series-5',
};
export const providerColor = (provider: string) => cssVar(providerVars[provider] ?? '--series-6');

export function axes(yFormat: (v: number) => string): uPlot.Axis[] {
  const stroke = cssVar('--text-muted');
  const grid = { stroke: cssVar('--chart-grid'), width: 1 };
  const font = '12px system-ui, sans-serif';
  return [
    { stroke, grid, ticks: { show: false }, font },
    { stroke, grid, ticks: { show: false }, font, size: 56, values: (_u, vals) => vals.map(yFormat) },
  ];
}

export const fixedRange = (fromSec: number, toSec: number): uPlot.Scale => ({ time: true, range: () => [fromSec, toSec] });

export const cursor: uPlot.Cursor = { points: { size: 7 }, drag: { x: false, y: false } };
