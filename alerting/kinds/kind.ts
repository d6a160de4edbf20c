// What one alert rule kind is, in one place: its parameters, what it is about, when it holds,
// how it is said, how its recovery is said. The evaluator, the API and the web ask the
// registry (index.ts) for these; nothing else in Pulse knows a kind by name.
import type { z } from 'zod';
import type { EvaluatorState, IntegrationEntry } from '../state.js';

export type Facts = Record<string, string | number | null>;

/** What a raise says besides its subject: a sentence and the figures behind it. */
export interface Said {
  summary: string;
  facts: Facts;
}

interface KindBase<Id extends string, P> {
  id: Id;
  /** A few words for lists and menus. */
  label: string;
  /** One sentence: what it watches, for people choosing a kind. */
  description: string;
  /** The condition as a sentence with `{param}` placeholders, e.g. "{failures} failed checks in a row". */
  condition: string;
  /** A strict object; each field's meta (title, description, default, unit) is what the rule editor shows. */
  params: z.ZodType<P>;
  /** The recovery, said about the alert's subject. */
  recovered: (subject: string) => string;
  /** How far back this kind reads checks counted per provider minute, so that those minutes are kept. */
  volumeWindowSeconds?: (params: P) => number;
}

/** About one integration at a time; its alerts can notify the integration's owner. */
export interface IntegrationKind<Id extends string = string, P = any> extends KindBase<Id, P> {
  scope: 'integration';
  /** A provider-wide incident explains it, so it stays quiet while one is open (a stalled check is our own problem). */
  explainedByIncident: boolean;
  /** Asked for every rule on every check and tick: allocate nothing. */
  holds: (params: P, entry: IntegrationEntry, now: number) => boolean;
  /** Asked only for a raise. */
  says: (params: P, entry: IntegrationEntry, now: number, subject: string) => Said;
}

/** About one provider at a time, across its integrations. */
export interface ProviderKind<Id extends string = string, P = any> extends KindBase<Id, P> {
  scope: 'provider';
  /** An open alert of this kind is a provider incident: it holds back integration alerts it explains. */
  incident?: boolean;
  holds: (params: P, state: EvaluatorState, provider: string) => boolean;
  says: (params: P, state: EvaluatorState, provider: string, subject: string) => Said;
}

export type RuleKind<Id extends string = string, P = any> = IntegrationKind<Id, P> | ProviderKind<Id, P>;

/** Keeps the kind's id a literal and types its functions' params from its schema. */
export const ruleKind = <const Id extends string, P>(kind: RuleKind<Id, P>): RuleKind<Id, P> => kind;
