// Green / yellow / red shown three ways at once: colour, a distinct icon shape, and words.
// Colour alone would fail colour-blind users and greyscale screens.
import type { HealthStatus } from '../api/types';
import { CheckCircle, DashedCircle, WarningTriangle, XOctagon } from './Icons';

export const statusLabel: Record<HealthStatus, string> = {
  green: 'Healthy',
  yellow: 'Degraded',
  red: 'Failing',
  unknown: 'Not checked yet',
};

const icons = { green: CheckCircle, yellow: WarningTriangle, red: XOctagon, unknown: DashedCircle };

export function HealthIndicator({ status, size = 'md', label }: { status: HealthStatus; size?: 'sm' | 'md' | 'lg'; label?: string }) {
  const Icon = icons[status];
  return (
    <span className={`health health--${status} health--${size}`} data-status={status}>
      <Icon size={size === 'lg' ? 20 : size === 'sm' ? 14 : 16} strokeWidth={2.2} />
      <span className="health__text">{label ?? statusLabel[status]}</span>
    </span>
  );
}
