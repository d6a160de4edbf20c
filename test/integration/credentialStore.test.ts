import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../platform/config.js';
import { createCredentialStore } from '../../platform/credentialStore.js';
import { createDb, type Db } from '../../platform/db.js';
import { createWebhookTargetStore } from '../../platform/webhookTargets.js';
import { eventually } from '../support/signals.js';

describe('credential store (Postgres, AES-256-GCM)', () => {
  let db: Db;
  // Key ids of this suite's own: rotation only touches rows sealed with them.
  const suffix = randomBytes(3).toString('hex');
  const oldKey = { id: `old-${suffix}`, key: randomBytes(32) };
  const newKey = { id: `new-${suffix}`, key: randomBytes(32) };
  const creds = { accessToken: 'ya29.secret-access', refreshToken: '1//secret-refresh', appToken: null, scopes: ['a'], expiresAt: Date.now() + 3_600_000, accountHint: 'me@example.com' };

  before(() => { db = createDb(loadConfig().databaseUrl, 3); }); // two lock holders and an observer
  after(async () => db.end());

  it('stores tokens only encrypted and reads them back', async () => {
    const id = randomUUID();
    const store = createCredentialStore(db, [oldKey]);
    await store.save(id, 'gmail', creds);
    const { rows } = await db.query('SELECT row_to_json(c)::text AS j FROM integration_credentials c WHERE integration_id = $1', [id]);
    expect(rows[0].j).not.to.contain('secret-access').and.not.to.contain('secret-refresh');
    expect(await store.load(id)).to.include({ accessToken: creds.accessToken, refreshToken: creds.refreshToken, accountHint: 'me@example.com' });
  });

  it('rotates keys: re-seals with the new key, after which the old key is no longer needed', async () => {
    const id = randomUUID();
    await createCredentialStore(db, [oldKey]).save(id, 'gmail', creds);
    const rotating = createCredentialStore(db, [newKey, oldKey]);
    expect((await rotating.rotate()).rotated).to.be.at.least(1);
    const { rows } = await db.query('SELECT key_id FROM integration_credentials WHERE integration_id = $1', [id]);
    expect(rows[0].key_id).to.equal(newKey.id);
    expect((await createCredentialStore(db, [newKey]).load(id))?.accessToken).to.equal(creds.accessToken);
  });

  it('keeps webhook URLs and secrets sealed, and re-seals them on rotation', async () => {
    const id = randomUUID();
    const target = { url: 'https://hooks.example.com/services/T000/B000/secret-path-token', secret: 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LTEyMzQ1Njc4OTA=' };
    await createWebhookTargetStore(db, [oldKey]).save(id, target);
    const { rows } = await db.query('SELECT row_to_json(w)::text AS j FROM webhook_targets w WHERE webhook_id = $1', [id]);
    expect(rows[0].j).not.to.contain('secret-path-token').and.not.to.contain(target.secret);
    expect((await createWebhookTargetStore(db, [newKey, oldKey]).rotate()).rotated).to.be.at.least(1);
    expect(await createWebhookTargetStore(db, [newKey]).load(id)).to.deep.equal(target);
  });

  it('lets one refresh run at a time per integration', async () => {
    const id = randomUUID();
    const store = createCredentialStore(db, [oldKey]);
    await store.save(id, 'gmail', creds);
    const order: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const aInside = new Promise<void>((r) => (entered = r));
    const a = store.withLock(id, async () => {
      order.push('a in');
      entered();
      await released;
      order.push('a out');
      return { result: 'a' };
    });
    await aInside;
    const b = store.withLock(id, async () => {
      order.push('b in');
      return { result: 'b' };
    });
    // b is blocked in Postgres on a's row lock (not merely slow): its backend waits on a lock.
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%integration_credentials%FOR UPDATE%'`);
      return rows.length === 1;
    }, "the second refresh to wait for the first one's lock");
    expect(order).to.deep.equal(['a in']);
    release();
    expect(await Promise.all([a, b])).to.deep.equal(['a', 'b']);
    expect(order).to.deep.equal(['a in', 'a out', 'b in']);
  });
});
