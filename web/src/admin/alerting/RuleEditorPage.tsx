// /admin/alerting/rules/new and /admin/alerting/rules/:id: one rule in a form per kind. The API
// judges it; a refusal puts each message next to its field and moves focus to the first one.
// The backtest runs whatever the form holds, saved or not.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import type { AlertRule, AlertRuleInput, RuleKindInfo } from '../../api/alertTypes';
import { ApiError } from '../../api/http';
import { ErrorState, errorText } from '../../ui/ErrorState';
import { ChevronRight } from '../../ui/Icons';
import { Skeleton } from '../../ui/Skeleton';
import { toast } from '../../ui/toasts';
import { deleteRule, saveRule, useRuleKinds, useRules } from './alertingApi';
import { BacktestPanel } from './BacktestPanel';
import { ConfirmAction } from './ConfirmAction';
import { FormAlert } from './Field';
import { Trash } from './icons';
import { RuleBasics } from './RuleBasics';
import { RuleChannels } from './RuleChannels';
import { RuleCondition } from './RuleCondition';
import { draftOf, inputOf, newDraft, withKind, type RuleDraft } from './ruleDraft';
import { idOf, ruleErrors, type RuleErrors } from './ruleErrors';
import { RuleNoise } from './RuleNoise';

/** Which error keys a change to a draft field answers (its message goes once it is edited). */
const answers: Partial<Record<keyof RuleDraft, string[]>> = {
  emails: ['channels.emails', 'channels'], webhookIds: ['channels.webhooks', 'channels'],
  escalationEmails: ['escalationChannels.emails', 'escalationChannels'], escalationWebhookIds: ['escalationChannels.webhooks', 'escalationChannels'],
  escalate: ['escalateAfterSeconds', 'escalationChannels'],
};

const noErrors: RuleErrors = { fields: {}, other: [] };

/** `kinds` is never empty, and holds the rule's kind (the API validates stored rules against the same list). */
function RuleForm({ rule, kinds }: { rule: AlertRule | null; kinds: RuleKindInfo[] }) {
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const kindFor = (id: string) => kinds.find((k) => k.id === id) ?? (kinds[0] as RuleKindInfo);
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftOf(rule, kindFor(rule.kind)) : newDraft(kinds[0] as RuleKindInfo)));
  const kind = kindFor(draft.kind);
  const [errors, setErrors] = useState<RuleErrors>(noErrors);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const focusFirst = useRef(false);

  useEffect(() => {
    if (!focusFirst.current) return;
    focusFirst.current = false;
    const first = Object.keys(errors.fields).map(idOf).find((id) => id && document.getElementById(id));
    const el = first ? document.getElementById(first) : document.querySelector<HTMLElement>('.form-alert');
    el?.focus();
    el?.scrollIntoView({ block: 'center' });
  }, [errors]);

  const set = (patch: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    const gone = Object.keys(patch).flatMap((k) => answers[k as keyof RuleDraft] ?? (k === 'params' ? Object.keys(errors.fields).filter((f) => f.startsWith('params.')) : [k]));
    if (gone.some((k) => errors.fields[k])) setErrors((e) => ({ ...e, fields: Object.fromEntries(Object.entries(e.fields).filter(([k]) => !gone.includes(k))) }));
  };
  const showErrors = (fields: Record<string, string>, sent: AlertRuleInput, prefix = '') => {
    focusFirst.current = true;
    setErrors(ruleErrors(fields, sent, prefix));
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    const input = inputOf(draft, kind);
    setSaving(true);
    setFailure(null);
    try {
      await saveRule(qc, rule?.id ?? null, input);
      toast({ tone: 'success', title: rule ? `Saved “${input.name.trim()}”` : `Created “${input.name.trim()}”`, body: draft.enabled ? 'The evaluator applies it within seconds.' : 'It is disabled: it raises nothing until enabled.' });
      navigate('/alerting/rules');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && Object.keys(err.fields).length) showErrors(err.fields, input);
      else setFailure(err);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    if (!rule) return;
    setDeleting(true);
    try {
      await deleteRule(qc, rule.id);
      toast({ tone: 'success', title: `Deleted “${rule.name}”`, body: 'Its open alerts are resolved.' });
      navigate('/alerting/rules');
    } catch (err) {
      setDeleting(false);
      toast({ tone: 'error', title: `Could not delete “${rule.name}”`, body: errorText(err) });
    }
  }

  const bad = Object.keys(errors.fields).length;
  return (
    <>
      <form className="rule-form" onSubmit={save} noValidate aria-describedby={bad || errors.other.length ? 'rule-form-alert' : undefined}>
        {(bad > 0 || errors.other.length > 0) && (
          <div id="rule-form-alert" tabIndex={-1}>
            <FormAlert>
              {bad > 0 && <p>{bad === 1 ? 'One field needs' : `${bad} fields need`} your attention before this rule can be saved.</p>}
              {errors.other.map((m) => <p key={m}>{m}</p>)}
            </FormAlert>
          </div>
        )}
        <RuleBasics draft={draft} kind={kind} kinds={kinds} set={set} errors={errors.fields} onKind={(next) => set(withKind(draft, next))} />
        <RuleCondition draft={draft} kind={kind} set={set} errors={errors.fields} />
        <RuleNoise draft={draft} kind={kind} set={set} errors={errors.fields} />
        <RuleChannels draft={draft} kind={kind} set={set} errors={errors.fields} />
        <BacktestPanel input={() => inputOf(draft, kind)} scope={kind.scope} canRun={!saving} onFieldErrors={(fields, sent) => showErrors(fields, sent, 'rule.')} />
        {failure !== null && <ErrorState compact title="Could not save the rule" error={failure} />}
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={saving || deleting}>{saving ? 'Saving…' : rule ? 'Save changes' : 'Create rule'}</button>
          <Link href="/alerting/rules" className="button button--ghost">Cancel</Link>
          {rule && (
            <span className="form-actions__end">
              <ConfirmAction label="Delete rule" confirmLabel="Delete" busyLabel="Deleting…" question="Delete this rule for good?" onConfirm={remove} busy={deleting} icon={<Trash size={16} />} />
            </span>
          )}
        </div>
      </form>
    </>
  );
}

function Loading() {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">Loading the rule</span>
      {[260, 160, 160, 280].map((h, i) => <Skeleton key={i} height={h} radius={14} style={{ marginTop: 20 }} />)}
    </div>
  );
}

export function RuleEditorPage({ id }: { id?: string }) {
  const rules = useRules();
  const kinds = useRuleKinds();
  const rule = id ? rules.data?.rules.find((r) => r.id === id) : null;
  const title = id ? rule?.name ?? 'Rule' : 'New rule';
  useEffect(() => {
    document.title = `${title} · Pulse admin`;
  }, [title]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb breadcrumb--trail">
        <Link href="/alerting/rules">Rules</Link>
        <ChevronRight size={14} />
        <span aria-current="page">{title}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>{id ? (rule ? `Edit “${rule.name}”` : 'Edit rule') : 'New alert rule'}</h1>
          <p className="page-head__lede muted">
            {rule ? <>Last changed by {rule.updatedBy}. </> : null}
            What to watch, how urgent it is, and who hears about it. <a href="/docs/alert-rules.md" target="_blank" rel="noopener noreferrer">How rules work</a>
          </p>
        </div>
      </div>
      {kinds.error && !kinds.data ? (
        <ErrorState title="Could not load the rule kinds" error={kinds.error} onRetry={() => void kinds.refetch()} />
      ) : !kinds.data?.length ? (
        <Loading />
      ) : !id ? <RuleForm rule={null} kinds={kinds.data} /> : rule ? <RuleForm key={rule.id} rule={rule} kinds={kinds.data} /> : rules.error && !rules.data ? (
        <ErrorState title="Could not load the rule" error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.data ? (
        <div className="empty-state card">
          <h2>Rule not found</h2>
          <p>It may have been deleted.</p>
          <Link href="/alerting/rules" className="button button--primary">Back to the rules</Link>
        </div>
      ) : <Loading />}
    </>
  );
}
