// "What would this rule have done?": the rule as it stands in the form, replayed by the
// evaluator over the stored history. Nothing is saved or sent.
import { useState } from 'react';
import type { AlertRuleInput, BacktestResult, RuleKindInfo } from '../../api/alertTypes';
import { ApiError } from '../../api/http';
import { count } from '../../lib/format';
import { exactTime } from '../../lib/time';
import { ErrorState } from '../../ui/ErrorState';
import { Skeleton } from '../../ui/Skeleton';
import { runBacktest } from './alertingApi';
import { BacktestTimeline, rowsOf } from './BacktestTimeline';
import { History } from './icons';
import { SeverityBadge } from './SeverityBadge';

const periods = [1, 7, 14, 30];
const LIST = 12;
const typeLabel = { AlertRaised: 'Raised', AlertEscalated: 'Escalated', AlertResolved: 'Resolved' } as const;

const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

function Summary({ r, days, scope }: { r: BacktestResult; days: number; scope: RuleKindInfo['scope'] }) {
  const s = r.summary;
  const checks = plural(r.checksReplayed, 'check');
  const period = days === 1 ? 'the last day' : `the last ${days} days`;
  if (!s.raised && !s.escalated && !s.resolved) return <p className="bt-summary">It would <strong>not have fired</strong> in {period} ({checks} replayed).</p>;
  const about = scope === 'integration' ? plural(s.scopes, 'integration') : plural(s.scopes, 'provider');
  const firing = rowsOf(r.transitions, Date.parse(r.to)).flatMap((row) => row.intervals).filter((i) => i.open).length;
  const after = [s.escalated && `escalated ${s.escalated}`, s.resolved && `resolved ${s.resolved}`, firing && `${firing} would still be open now`].filter(Boolean);
  return (
    <p className="bt-summary">
      In {period} ({checks} replayed) it would have raised <strong>{plural(s.raised, 'alert')}</strong> about {about}
      {after.length ? <>; {after.join(', ')}</> : null}.
    </p>
  );
}

export function BacktestPanel({ input, scope, onFieldErrors, canRun }: {
  /** The rule as the form holds it now. */
  input: () => AlertRuleInput;
  /** What its kind is about, for the summary's words. */
  scope: RuleKindInfo['scope'];
  /** A refused rule: the form shows why next to its fields. */
  onFieldErrors: (fields: Record<string, string>, sent: AlertRuleInput) => void;
  canRun: boolean;
}) {
  const [days, setDays] = useState(7);
  const [state, setState] = useState<{ busy: boolean; result?: BacktestResult; days?: number; scope?: RuleKindInfo['scope']; error?: unknown }>({ busy: false });
  const [all, setAll] = useState(false);

  async function run() {
    const rule = input();
    setState((s) => ({ ...s, busy: true, error: undefined }));
    try {
      const result = await runBacktest(rule, days);
      setState({ busy: false, result, days, scope });
      setAll(false);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && Object.keys(err.fields).length) onFieldErrors(err.fields, rule);
      setState((s) => ({ ...s, busy: false, error: err }));
    }
  }

  const r = state.result;
  const from = r ? Date.parse(r.from) : 0;
  const to = r ? Date.parse(r.to) : 0;
  const newest = r ? [...r.transitions].reverse() : [];
  const refused = state.error instanceof ApiError && state.error.status === 400;
  return (
    <section className="card section rule-card backtest" aria-labelledby="backtest-heading" aria-busy={state.busy}>
      <div className="section__head">
        <div>
          <h2 id="backtest-heading">Try it on history</h2>
          <p className="muted small">Replays the recorded checks through the evaluator with only this rule, as it is in the form now. Nothing is saved or sent.</p>
        </div>
        <div className="backtest__controls">
          <label className="select-field">
            <span>Period</span>
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {periods.map((d) => <option key={d} value={d}>{d === 1 ? 'Last day' : `Last ${d} days`}</option>)}
            </select>
          </label>
          <button type="button" className="button button--secondary" onClick={run} disabled={state.busy || !canRun}>
            <History size={16} /> {state.busy ? 'Replaying…' : 'Run backtest'}
          </button>
        </div>
      </div>
      <div aria-live="polite">
        {state.error !== undefined && (refused
          ? <p className="field-error" role="alert">The rule has problems: fix the highlighted fields, then run it again.</p>
          : <ErrorState compact title="Could not run the backtest" error={state.error} onRetry={run} />)}
        {state.busy && !r && <div className="backtest__placeholder"><span className="visually-hidden" role="status">Replaying history</span><Skeleton height={22} width="70%" /><Skeleton height={140} style={{ marginTop: 14 }} radius={10} /></div>}
        {r && (
          <div className={`backtest__result${state.busy ? ' is-refreshing' : ''}`}>
            <Summary r={r} days={state.days ?? days} scope={state.scope ?? scope} />
            {r.truncated && <p className="notice small">So much history that only the most recent checks were replayed.</p>}
            {r.transitions.length > 0 && (
              <>
                <BacktestTimeline transitions={r.transitions} from={from} to={to}
                  label={`When it would have been firing between ${exactTime(from)} and ${exactTime(to)}: ${rowsOf(r.transitions, to).length} rows, listed below.`} />
                <div className="table-scroll" role="region" aria-label="What it would have sent" tabIndex={0}>
                  <table className="table bt-table">
                    <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Severity</th><th scope="col">Message</th></tr></thead>
                    <tbody>
                      {(all ? newest : newest.slice(0, LIST)).map((t) => (
                        <tr key={t.transitionId}>
                          <td className="tabular nowrap">{exactTime(t.occurredAt)}</td>
                          <td><span className={`bt-kind bt-kind--${t.type}`}>{typeLabel[t.type]}</span></td>
                          <td><SeverityBadge severity={t.severity} /></td>
                          <td className="small">{t.summary}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {newest.length > LIST && (
                  <button type="button" className="button button--ghost button--small" onClick={() => setAll(!all)}>
                    {all ? 'Show the latest only' : `Show all ${newest.length}${r.transitions.length >= 500 ? ' (the latest 500)' : ''}`}
                  </button>
                )}
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
