// Webhook URLs and signing secrets, sealed at rest like OAuth tokens (AES-256-GCM, the
// CREDENTIALS_KEYS). A URL can itself be a secret (e.g. a chat webhook with its token in the
// path), so events and API responses carry only its origin. Only the notifier opens them.
import type { Db } from './db.js';
import { SecretBox, type SealingKey } from './secretBox.js';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface WebhookTargetStore {
  save(webhookId: string, target: WebhookTarget): Promise<void>;
  load(webhookId: string): Promise<WebhookTarget | null>;
  remove(webhookId: string): Promise<void>;
  /** Re-seals every target with the current (first) key; see `pulse credentials rotate`. */
  rotate(): Promise<{ rotated: number; unknownKey: number }>;
}

export function createWebhookTargetStore(db: Db, keys: SealingKey[]): WebhookTargetStore {
  const box = new SecretBox(keys);
  const aad = (id: string) => `webhook:${id}`;
  return {
    async save(webhookId, target) {
      const sealed = box.seal(JSON.stringify(target), aad(webhookId));
      await db.query(
        `INSERT INTO webhook_targets (webhook_id, key_id, iv, tag, ciphertext) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (webhook_id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = now()`,
        [webhookId, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext],
      );
    },
    async load(webhookId) {
      const { rows } = await db.query('SELECT key_id, iv, tag, ciphertext FROM webhook_targets WHERE webhook_id = $1', [webhookId]);
      const r = rows[0];
      if (!r) return null;
      return JSON.parse(box.open({ keyId: r.key_id, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext }, aad(webhookId))) as WebhookTarget;
    },
    async remove(webhookId) {
      await db.query('DELETE FROM webhook_targets WHERE webhook_id = $1', [webhookId]);
    },
    async rotate() {
      const known = keys.map((k) => k.id);
      const { rows } = await db.query('SELECT webhook_id FROM webhook_targets WHERE key_id <> $1 AND key_id = ANY($2)', [box.currentKeyId, known]);
      const { rows: lost } = await db.query('SELECT count(*)::int AS n FROM webhook_targets WHERE NOT (key_id = ANY($1))', [known]);
      for (const { webhook_id: id } of rows) {
        const target = await this.load(id);
        if (target) await this.save(id, target);
      }
      return { rotated: rows.length, unknownKey: lost[0].n as number };
    },
  };
}
