// /admin/alerting/rules: every rule, defaults included. Switch one on or off in place; edit or
// delete it on its own page.
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { AlertRule, RuleKindInfo } from '../../api/alertTypes';
import { ErrorState, errorText } from '../../ui/ErrorState';
import { Skeleton } from '../../ui/Skeleton';
import { toast } from '../../ui/toasts';
import { ruleInput, saveRule, useRuleKinds, useRules } from './alertingApi';
import { Plus } from './icons';
import { channelsText, durationText, scopeText } from './labels';
import { conditionText, kindLabel } from './ruleKinds';
import { SeverityBadge } from './SeverityBadge';
import { Toggle } from './Toggle';

function Row({ rule, kinds }: { rule: AlertRule; kinds: RuleKindInfo[] | undefined }) {
  const qc = useQueryClient();
  const [pending, setPending] = useState<boolean | null>(null);
  async function toggle(enabled: boolean) {
    setPending(enabled);
    try {
      await saveRule(qc, rule.id, { ...ruleInput(rule), enabled });
    } catch (err) {
      toast({ tone: 'error', title: `Could not ${enabled ? 'enable' : 'disable'} “${rule.name}”`, body: errorText(err) });
    } finally {
      setPending(null);
    }
  }
  const channels = rule.channels.length ? channelsText(rule.channels) : null;
  const notifies = [channels, rule.notifyOwner ? 'the owner' : null].filter(Boolean).join(', ') || 'Nobody';
  const escalation = rule.escalationChannels.length ? channelsText(rule.escalationChannels).toLowerCase() : null;
  return (
    <tr data-rule-id={rule.id} className={rule.enabled ? undefined : 'is-off'}>
      <th scope="row">
        <Link href={`/alerting/rules/${encodeURIComponent(rule.id)}`} className="cell-link cell-link--stacked">
          <span>{rule.name}</span>
          <span className="muted small">{kindLabel(kinds, rule.kind)}</span>
        </Link>
      </th>
      <td className="small">{conditionText(kinds?.find((k) => k.id === rule.kind), rule.params)}</td>
      <td><SeverityBadge severity={rule.severity} /></td>
      <td className="small">{scopeText(rule.provider)}</td>
      <td className="small">
        <span className={notifies === 'Nobody' ? 'text-yellow' : undefined}>{notifies}</span>
        <span className="muted rules-table__sub">
          {rule.escalateAfterSeconds === null ? 'No escalation'
            : <>Escalates after {durationText(rule.escalateAfterSeconds)} to {escalation ?? <span className="text-yellow">nobody</span>}</>}
        </span>
      </td>
      <td>
        <Toggle checked={pending ?? rule.enabled} busy={pending !== null} onChange={toggle} label={`Rule “${rule.name}” enabled`} />
      </td>
    </tr>
  );
}

export function RulesPage() {
  const q = useRules();
  const kinds = useRuleKinds().data;
  useEffect(() => {
    document.title = 'Alert rules · Pulse admin';
  }, []);
  const rules = q.data?.rules ?? [];
  const enabled = rules.filter((r) => r.enabled).length;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Alert rules</h1>
          <p className="page-head__lede muted">
            {q.data ? `${enabled} of ${rules.length} enabled. ` : ''}When to notify someone, and whom. <a href="/docs/alert-rules.md" target="_blank" rel="noopener noreferrer">How rules work</a>
          </p>
        </div>
        <Link href="/alerting/rules/new" className="button button--primary"><Plus size={16} /> New rule</Link>
      </div>
      <section className="card section" aria-labelledby="rules-heading">
        <h2 id="rules-heading" className="visually-hidden">Rules</h2>
        {q.error && !q.data ? (
          <ErrorState title="Could not load the rules" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <div aria-busy="true" className="table-skeleton">
            <span className="visually-hidden" role="status">Loading rules</span>
            {Array.from({ length: 7 }, (_, i) => <Skeleton key={i} height={24} style={{ margin: '18px 0' }} />)}
          </div>
        ) : rules.length === 0 ? (
          <div className="empty-state">
            <h3>No rules</h3>
            <p>Without rules nothing is ever raised. Start with one about red integrations.</p>
            <Link href="/alerting/rules/new" className="button button--primary"><Plus size={16} /> New rule</Link>
          </div>
        ) : (
          <div className="table-scroll" role="region" aria-label="Alert rules" tabIndex={0}>
            <table className="table rules-table">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Fires when</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Notifies</th>
                  <th scope="col">Enabled</th>
                </tr>
              </thead>
              <tbody>{rules.map((r) => <Row key={r.id} rule={r} kinds={kinds} />)}</tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
