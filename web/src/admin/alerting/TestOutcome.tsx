// What a test notification did: delivered, or failed and why (Pulse's own short reason, never
// the receiver's answer).
import type { TestResult } from '../../api/alertTypes';
import { CheckCircle, XOctagon } from '../../ui/Icons';

export function TestOutcome({ result, what }: { result: TestResult; what: string }) {
  const attempts = `${result.attempts} ${result.attempts === 1 ? 'attempt' : 'attempts'}`;
  return result.outcome === 'sent' ? (
    <p className="test-outcome test-outcome--sent"><CheckCircle size={16} /> Test {what} delivered ({attempts}).</p>
  ) : (
    <p className="test-outcome test-outcome--failed"><XOctagon size={16} /> Test {what} failed: {result.reason ?? 'no reason given'} ({attempts}).</p>
  );
}
