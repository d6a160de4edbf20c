// Placeholders with the final size of what they stand for, so nothing jumps when data arrives.
import type { CSSProperties, ReactNode } from 'react';

export function Skeleton({ width = '100%', height = 14, radius = 6, style }: { width?: number | string; height?: number | string; radius?: number; style?: CSSProperties }) {
  return <span className="skeleton" aria-hidden="true" style={{ width, height, borderRadius: radius, ...style }} />;
}

/** Announces loading once to screen readers while skeletons show. */
export function LoadingRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">{label}</span>
      {children}
    </div>
  );
}
