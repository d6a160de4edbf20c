// The alerting section's icons, drawn like ui/Icons.tsx (24-px grid, 2-px stroke, decorative:
// the text next to them carries the meaning).
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

export const Bell = (p: IconProps) => <Svg {...p}><path d="M6 9.5a6 6 0 0 1 12 0c0 5 2 6.5 2 6.5H4s2-1.5 2-6.5Z" /><path d="M10 19.5a2.2 2.2 0 0 0 4 0" /></Svg>;
export const BellOff = (p: IconProps) => <Svg {...p}><path d="M8.3 4.6A6 6 0 0 1 18 9.5c0 2.3.4 3.8.9 4.8M17 16H4s2-1.5 2-6.5c0-.7.1-1.3.3-1.9" /><path d="M10 19.5a2.2 2.2 0 0 0 4 0M3 3l18 18" /></Svg>;
export const Sliders = (p: IconProps) => <Svg {...p}><path d="M4 6.5h10M18 6.5h2M4 12h4M12 12h8M4 17.5h12M20 17.5h0" /><circle cx="16" cy="6.5" r="2" /><circle cx="10" cy="12" r="2" /><circle cx="18" cy="17.5" r="2" /></Svg>;
export const Webhook = (p: IconProps) => <Svg {...p}><path d="M9.5 8.5a3.5 3.5 0 1 1 5.2 3l2.8 5" /><path d="M7.2 11.8 4.6 16.5a3.5 3.5 0 1 0 5.4 3.5h6" /><circle cx="17.5" cy="17" r="3.2" /></Svg>;
export const Copy = (p: IconProps) => <Svg {...p}><rect x="8.5" y="8.5" width="12" height="12" rx="2" /><path d="M15.5 8.5v-3a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3" /></Svg>;
export const Send = (p: IconProps) => <Svg {...p}><path d="M21 3 10.5 13.5M21 3l-6.5 18-4-7.5L3 9.5Z" /></Svg>;
export const Plus = (p: IconProps) => <Svg {...p}><path d="M12 5v14M5 12h14" /></Svg>;
export const Trash = (p: IconProps) => <Svg {...p}><path d="M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13" /></Svg>;
export const History = (p: IconProps) => <Svg {...p}><path d="M3.5 12a8.5 8.5 0 1 0 2.6-6.1L3.5 8.5" /><path d="M3.5 3.5v5h5M12 7.5V12l3 2" /></Svg>;
export const Key = (p: IconProps) => <Svg {...p}><circle cx="7.5" cy="15.5" r="4" /><path d="m10.5 12.5 9-9M16 7l3 3M14 9l2 2" /></Svg>;
export const CheckMark = (p: IconProps) => <Svg {...p}><path d="m5 12.5 4.5 4.5L19 7.5" /></Svg>;
