// "What would this rule have done?" History through the very same evaluate(), with time
// passing as it would have live: a tick every tickSeconds of event time, each after the
// inputs up to its instant. Inputs before `from` only warm up windows and integrations; what
// they cause is not reported, nor is anything after `to`.
import { evaluate, inputTime } from './evaluate.js';
import { emptyState, put } from './state.js';
import type { AlertRule, AlertTransition, EvaluatorInput, EvaluatorSettings } from './types.js';
import { scopeKeyOf } from './ids.js';

export interface BacktestSummary {
  raised: number;
  resolved: number;
  escalated: number;
  /** Distinct scopes (integrations or providers) with at least one transition. */
  scopes: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface BacktestOptions {
  from: number;
  to: number;
  tickSeconds: number;
  settings: EvaluatorSettings;
}

export function backtest(rule: AlertRule, inputs: EvaluatorInput[], opts: BacktestOptions): { transitions: AlertTransition[]; summary: BacktestSummary } {
  const state = emptyState();
  // Seeded directly: a rule_saved input would carry a time and move the clock.
  put(state, 'rules', rule.id, rule);
  const all: AlertTransition[] = [];
  const tickMs = Math.max(1, opts.tickSeconds) * 1000;
  let nextTick = opts.from;
  const tickUntil = (time: number) => {
    for (; nextTick <= opts.to && nextTick < time; nextTick += tickMs) all.push(...evaluate(state, { kind: 'tick', now: nextTick }, opts.settings));
  };
  for (const input of inputs) {
    const time = inputTime(input);
    if (time > opts.to) break;
    tickUntil(time);
    all.push(...evaluate(state, input, opts.settings));
  }
  tickUntil(Infinity);

  const transitions = all.filter((t) => t.occurredAt >= opts.from && t.occurredAt <= opts.to);
  const count = (type: AlertTransition['type']) => transitions.filter((t) => t.type === type).length;
  return {
    transitions,
    summary: {
      raised: count('AlertRaised'),
      resolved: count('AlertResolved'),
      escalated: count('AlertEscalated'),
      scopes: new Set(transitions.map((t) => scopeKeyOf(t.scope))).size,
      firstAt: transitions[0]?.occurredAt ?? null,
      lastAt: transitions.at(-1)?.occurredAt ?? null,
    },
  };
}
