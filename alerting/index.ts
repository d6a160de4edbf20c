// The alert evaluator's pure core, as the runtime, the API and the backtest use it.
export { evaluate, inputTime } from './evaluate.js';
export { emptyState, restoreState, takeChanges, type EvaluatorState } from './state.js';
export { alertRuleSchema, alertRuleInputSchema, suppressionSchema, suppressionInputSchema, defaultRules, type AlertRuleInput } from './rules.js';
export { backtest, type BacktestOptions, type BacktestSummary } from './backtest.js';
export { alertIdOf, scopeKeyOf } from './ids.js';
export { providerLabel, providerLabels } from './describe.js';
export type * from './types.js';
