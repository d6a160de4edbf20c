// History for the integration page: what the charts need for a range, and the recent checks
// table (raw checks, 25 at a time, older pages on demand).
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { fetchHistory } from '../api/userApi';
import { rangeHours, type HistoryRange, type RawCheck, type Rollup } from '../api/types';
import type { History } from '../charts/series';

export const historyKey = (id: string) => ['history', id] as const;

/** Raw checks up to a day (individual points are what people look at), hourly rollups beyond. */
export function useChartHistory(id: string, range: HistoryRange) {
  return useQuery({
    queryKey: [...historyKey(id), 'chart', range],
    queryFn: async ({ signal }): Promise<History & { from: number; to: number }> => {
      const to = Date.now();
      const from = to - rangeHours(range) * 3_600_000;
      if (range === '1h' || range === '24h') {
        const checks: RawCheck[] = [];
        let before: string | null = null;
        // Up to 3,000 checks: a day at a 30-second interval.
        for (let page = 0; page < 3; page++) {
          const res = await fetchHistory(id, { from: new Date(from), to: new Date(to), before, granularity: 'raw', limit: 1000 }, signal);
          checks.push(...(res.items as RawCheck[]));
          before = res.nextBefore;
          if (!before) break;
        }
        return { kind: 'raw', checks, from, to };
      }
      const res = await fetchHistory(id, { from: new Date(from), to: new Date(to), granularity: 'hourly', limit: 1000 }, signal);
      return { kind: 'rollup', buckets: res.items as Rollup[], from, to };
    },
    placeholderData: (prev) => prev,
    staleTime: 60_000,
  });
}

export function useRecentChecks(id: string, range: HistoryRange) {
  return useInfiniteQuery({
    queryKey: [...historyKey(id), 'checks', range],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) => {
      const from = new Date(Date.now() - rangeHours(range) * 3_600_000);
      const res = await fetchHistory(id, { from, before: pageParam, granularity: 'raw', limit: 25 }, signal);
      return { items: res.items as RawCheck[], nextBefore: res.nextBefore };
    },
    getNextPageParam: (last) => last.nextBefore,
    staleTime: 60_000,
  });
}
