// Default alert rules, published once on the first start of alerting (docs/alert-rules.md).
// The marker row and the publish happen together: if publishing fails the marker rolls back,
// and once it exists an admin's edits and deletions of the defaults are final.
import { randomUUID } from 'node:crypto';
import { defaultRules } from '../alerting/index.js';
import { ruleSavedEvent } from '../alerting/eventMapping.js';
import { inTransaction, type Db } from '../platform/db.js';
import type { EventCodec } from '../platform/events.js';
import type { EventProducer } from '../platform/kafka.js';
import type { Topics } from '../platform/topics.js';

export async function seedDefaultAlertRules(deps: { db: Db; codec: EventCodec; topics: Topics; producer: EventProducer; adminEmails: string[]; now: () => number }): Promise<number> {
  return inTransaction(deps.db, async (tx) => {
    const { rowCount } = await tx.query('INSERT INTO alerting_bootstrap (singleton) VALUES (true) ON CONFLICT DO NOTHING');
    if (rowCount !== 1) return 0;
    const rules = defaultRules(deps.adminEmails);
    const events = await Promise.all(rules.map((rule) => deps.codec.encode(ruleSavedEvent(rule, { eventId: randomUUID(), actor: 'pulse', occurredAt: deps.now() }))));
    await deps.producer.send(deps.topics.config, events);
    return rules.length;
  });
}
