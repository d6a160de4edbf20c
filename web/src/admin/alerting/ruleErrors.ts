// The API's 400 names each bad field by its dotted path (`params.failures`,
// `channels.0.to.1`); this puts each message next to the control that set that value, with
// the unit people typed in (minutes, not seconds) and, for an address, which one.
import type { AlertRuleInput } from '../../api/alertTypes';
import { humanizeMessage } from './labels';

/** Where each error key is typed: the id to focus first. */
export const fieldIds: Record<string, string> = {
  name: 'rule-name', kind: 'rule-kind', provider: 'rule-provider', cooldownSeconds: 'rule-cooldown',
  escalateAfterSeconds: 'rule-escalate-after', 'channels.emails': 'rule-emails', 'channels.webhooks': 'rule-webhooks',
  'escalationChannels.emails': 'rule-escalation-emails', 'escalationChannels.webhooks': 'rule-escalation-webhooks',
  notifyOwner: 'rule-notify-owner', channels: 'rule-emails', escalationChannels: 'rule-escalation-emails',
};
export const paramId = (key: string) => `rule-param-${key}`;
export const idOf = (key: string) => fieldIds[key] ?? (key.startsWith('params.') ? paramId(key.slice(7)) : undefined);

export interface RuleErrors {
  /** Form key → message, for the fields the form shows. */
  fields: Record<string, string>;
  /** Messages no field owns (shown at the top). */
  other: string[];
}

const known = new Set(['name', 'kind', 'severity', 'provider', 'enabled', 'cooldownSeconds', 'escalateAfterSeconds', 'notifyOwner']);

/** `prefix`: the backtest nests the rule under `rule.`. */
export function ruleErrors(apiFields: Record<string, string>, input: AlertRuleInput, prefix = ''): RuleErrors {
  const out: RuleErrors = { fields: {}, other: [] };
  const put = (key: string, message: string) => {
    out.fields[key] ??= message;
  };
  for (const [rawKey, raw] of Object.entries(apiFields)) {
    const key = rawKey.startsWith(prefix) ? rawKey.slice(prefix.length) : rawKey;
    const message = humanizeMessage(raw);
    const [head, index, sub, subIndex] = key.split('.');
    if (head === 'channels' || head === 'escalationChannels') {
      const channel = index === undefined ? undefined : input[head][Number(index)];
      if (channel?.type === 'email') {
        const address = sub === 'to' && subIndex !== undefined ? channel.to[Number(subIndex)] : undefined;
        put(`${head}.emails`, address ? `“${address}”: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message);
      } else if (channel?.type === 'webhook') {
        put(`${head}.webhooks`, message);
      } else {
        // "no such webhook: …" names the whole list.
        put(/webhook/.test(raw) ? `${head}.webhooks` : head, message);
      }
    } else if (head === 'params' && index) {
      put(`params.${index}`, message);
    } else if (known.has(key)) {
      put(key, message);
    } else {
      out.other.push(`${key}: ${message}`);
    }
  }
  return out;
}
