import { expect } from 'chai';
import { capInputTime, FUTURE_SLACK_MS } from '../../alerting/eventMapping.js';
import { defaultRules, emptyState, evaluate } from '../../alerting/index.js';
import type { EvaluatorSettings } from '../../alerting/types.js';
import { aFailedCheck } from '../support/checks.js';

const settings: EvaluatorSettings = { statusRules: { slowCheckMs: 2_000, failuresBeforeRed: 3 }, flapping: { windowSeconds: 3600, transitions: 4, stableSeconds: 600 } };

describe('evaluator inputs from the log', () => {
  const appended = Date.parse('2026-11-22T12:00:00Z');

  it('does not believe an event stamped far ahead of its record', () => {
    const future = aFailedCheck('server_error', { startedAt: appended + 90 * 86_400_000 });
    const capped = capInputTime({ kind: 'check', check: future }, appended);
    expect(capped.kind === 'check' && capped.check.completedAt).to.equal(appended + FUTURE_SLACK_MS);
    const honest = aFailedCheck('server_error', { startedAt: appended - 1_000 });
    expect(capInputTime({ kind: 'check', check: honest }, appended)).to.deep.equal({ kind: 'check', check: honest });
    expect(capInputTime({ kind: 'tick', now: appended + 10 * FUTURE_SLACK_MS }, appended)).to.deep.equal({ kind: 'tick', now: appended + FUTURE_SLACK_MS });
  });

  it('so a skewed producer cannot push alerts of everyone else into the future', () => {
    const state = emptyState();
    for (const rule of defaultRules([])) evaluate(state, { kind: 'rule_saved', rule, at: appended - 60_000 }, settings);
    const skewed = aFailedCheck('server_error', { integrationId: 'skewed', startedAt: appended + 365 * 86_400_000 });
    evaluate(state, capInputTime({ kind: 'check', check: skewed }, appended), settings);
    const raised = [0, 1, 2].flatMap((i) => evaluate(state, capInputTime({ kind: 'check', check: aFailedCheck('server_error', { integrationId: 'honest', startedAt: appended + i * 1_000 }) }, appended + i * 1_000), settings));
    const red = raised.find((t) => t.type === 'AlertRaised' && t.ruleKind === 'integration_red');
    expect(red, 'the honest integration turns red').to.not.equal(undefined);
    expect(red!.openedAt).to.be.at.most(appended + 2_000 + FUTURE_SLACK_MS);
  });
});
