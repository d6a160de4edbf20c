// Inline SVG icons (no icon font, no extra request). Decorative by default: the text next to
// them carries the meaning, so they are aria-hidden.
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2}
      strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

export const CheckCircle = (p: IconProps) => <Svg {...p}><circle cx="12" cy="12" r="9.5" /><path d="m7.5 12.5 3 3 6-6.5" /></Svg>;
export const WarningTriangle = (p: IconProps) => <Svg {...p}><path d="M10.3 3.9 1.9 18a2 2 0 0 0 1.7 3h16.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" /><path d="M12 9v4.5M12 17.2v.1" /></Svg>;
export const XOctagon = (p: IconProps) => <Svg {...p}><path d="M7.9 2.5h8.2l5.4 5.4v8.2l-5.4 5.4H7.9l-5.4-5.4V7.9Z" /><path d="m15 9-6 6M9 9l6 6" /></Svg>;
export const DashedCircle = (p: IconProps) => <Svg {...p}><circle cx="12" cy="12" r="9.5" strokeDasharray="3.2 3.2" /><path d="M12 7.5V12l3 2" /></Svg>;
export const Refresh = (p: IconProps) => <Svg {...p}><path d="M20.5 12a8.5 8.5 0 0 1-14.9 5.6M3.5 12A8.5 8.5 0 0 1 18.4 6.4" /><path d="M18.5 2.5v4h-4M5.5 21.5v-4h4" /></Svg>;
export const Link = (p: IconProps) => <Svg {...p}><path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1 1" /><path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1-1" /></Svg>;
export const ExternalLink = (p: IconProps) => <Svg {...p}><path d="M14 4h6v6M20 4l-9 9" /><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" /></Svg>;
export const ChevronRight = (p: IconProps) => <Svg {...p}><path d="m9 6 6 6-6 6" /></Svg>;
export const ChevronLeft = (p: IconProps) => <Svg {...p}><path d="m15 6-6 6 6 6" /></Svg>;
export const Download = (p: IconProps) => <Svg {...p}><path d="M12 3.5v12M7 10.5l5 5 5-5M4.5 20.5h15" /></Svg>;
export const Close = (p: IconProps) => <Svg {...p}><path d="M6 6l12 12M18 6 6 18" /></Svg>;
export const WifiOff = (p: IconProps) => <Svg {...p}><path d="m2 2 20 20M8.5 16.4a5 5 0 0 1 7 0M5 12.9a10 10 0 0 1 5.2-2.7M19 12.9a10 10 0 0 0-2.3-1.6M2 9a15 15 0 0 1 4.2-2.6M22 9a15 15 0 0 0-11.3-3.9M12 20h.01" /></Svg>;
export const Bolt = (p: IconProps) => <Svg {...p}><path d="M13 2.5 4.5 13.5H12l-1 8 8.5-11H12Z" /></Svg>;
export const Clock = (p: IconProps) => <Svg {...p}><circle cx="12" cy="12" r="9.5" /><path d="M12 7v5l3.2 2" /></Svg>;
export const Grid = (p: IconProps) => <Svg {...p}><rect x="3.5" y="3.5" width="7" height="7" rx="1.5" /><rect x="13.5" y="3.5" width="7" height="7" rx="1.5" /><rect x="3.5" y="13.5" width="7" height="7" rx="1.5" /><rect x="13.5" y="13.5" width="7" height="7" rx="1.5" /></Svg>;
export const Shield = (p: IconProps) => <Svg {...p}><path d="M12 2.5 4 5.5v6c0 5 3.4 8.8 8 10 4.6-1.2 8-5 8-10v-6Z" /><path d="m8.5 12 2.5 2.5 4.5-5" /></Svg>;
export const Users = (p: IconProps) => <Svg {...p}><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.6a3.5 3.5 0 0 1 0 6.8M18.5 14a6.5 6.5 0 0 1 3 6" /></Svg>;
export const Layers = (p: IconProps) => <Svg {...p}><path d="m12 3 9 5-9 5-9-5Z" /><path d="m3 13 9 5 9-5" /></Svg>;
export const LogOut = (p: IconProps) => <Svg {...p}><path d="M9.5 20.5h-4a2 2 0 0 1-2-2v-13a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9.5" /></Svg>;
export const Menu = (p: IconProps) => <Svg {...p}><path d="M4 6.5h16M4 12h16M4 17.5h16" /></Svg>;

export function PulseMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path d="M5 17h5l3-7 5 13 3-6h6" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
