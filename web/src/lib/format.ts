// Numbers as people read them.

export function latency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined) return '—';
  const p = rate * 100;
  return `${p === 100 || p === 0 ? p.toFixed(0) : p.toFixed(digits)} %`;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();
export const count = (n: number) => (n >= 100_000 ? compact.format(n) : whole.format(n));

const providerNames: Record<string, string> = {
  gmail: 'Gmail', google_calendar: 'Google Calendar', slack: 'Slack', mcp: 'MCP server', http: 'HTTP service',
};
export const providerName = (p: string) => providerNames[p] ?? p;

/** `slow_response` → "Slow response". */
export const codeLabel = (code: string) => (code.charAt(0).toUpperCase() + code.slice(1)).replace(/_/g, ' ');
