// Rule kinds as the API describes them (GET /api/admin/alert-rule-kinds): their params become
// form fields and their condition a sentence. Nothing here names a kind, so a new kind on the
// server needs no change in the app.
import type { ParamUnit, RuleKindInfo, RuleParams } from '../../api/alertTypes';
import { durationText } from './labels';

export interface ParamSpec {
  key: string;
  label: string;
  /** duration: entered with a unit; the others are plain numbers with this unit after them. */
  unit: ParamUnit;
  fallback: number;
  hint?: string;
}

/** The kind's params in the order the server declares them. */
export const paramSpecsOf = (kind: RuleKindInfo): ParamSpec[] =>
  Object.entries(kind.params.properties ?? {}).map(([key, p]) => ({ key, label: p.title, unit: p['x-unit'], fallback: p.default, hint: p.description }));

export const defaultsOf = (kind: RuleKindInfo): RuleParams => Object.fromEntries(paramSpecsOf(kind).map((p) => [p.key, p.fallback]));

/** What a rule watches for, in one sentence; a param not set yet reads "?". */
export function conditionText(kind: RuleKindInfo | undefined, params: RuleParams): string {
  if (!kind) return '';
  const units = new Map(paramSpecsOf(kind).map((p) => [p.key, p.unit]));
  return kind.condition.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    if (value === null || value === undefined) return '?';
    return units.get(key) === 'duration' ? durationText(value) : String(value);
  });
}

/** A kind's label; before the kinds have loaded (or for a kind since removed), its id in words. */
export const kindLabel = (kinds: RuleKindInfo[] | undefined, id: string) => kinds?.find((k) => k.id === id)?.label ?? id.replace(/_/g, ' ');

/** Integration kinds first, then provider kinds; each in the server's order. */
export function kindGroups(kinds: RuleKindInfo[]) {
  return [
    { label: 'About one integration', kinds: kinds.filter((k) => k.scope === 'integration') },
    { label: 'About a whole provider', kinds: kinds.filter((k) => k.scope === 'provider') },
  ].filter((g) => g.kinds.length > 0);
}
