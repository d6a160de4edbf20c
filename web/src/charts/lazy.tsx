// The charts' entry points, loaded on demand: uPlot stays out of the first page's bundle.
import { lazy, Suspense, type ComponentProps } from 'react';
import { Skeleton } from '../ui/Skeleton';

const historyCharts = () => import('./HistoryCharts');
const StatusHistoryChartLazy = lazy(() => historyCharts().then((m) => ({ default: m.StatusHistoryChart })));
const LatencyChartLazy = lazy(() => historyCharts().then((m) => ({ default: m.LatencyChart })));
const TrendChartLazy = lazy(() => import('./TrendChart').then((m) => ({ default: m.TrendChart })));

/** Same footprint as a drawn chart (canvas + legend). */
export const ChartSkeleton = ({ height = 200 }: { height?: number }) => <Skeleton height={height + 34} radius={8} />;

type StatusProps = ComponentProps<typeof StatusHistoryChartLazy>;
type TrendProps = ComponentProps<typeof TrendChartLazy>;

export const StatusHistoryChart = (p: StatusProps) => <Suspense fallback={<ChartSkeleton />}><StatusHistoryChartLazy {...p} /></Suspense>;
export const LatencyChart = (p: StatusProps) => <Suspense fallback={<ChartSkeleton />}><LatencyChartLazy {...p} /></Suspense>;
export const TrendChart = (p: TrendProps) => <Suspense fallback={<ChartSkeleton height={p.height ?? 220} />}><TrendChartLazy {...p} /></Suspense>;
