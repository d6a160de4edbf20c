// Projection `admin_audit`: the admin portal's audit log, one row per AdminActionPerformed.
import { expect } from 'chai';
import { adminAuditProjection } from '../../projections/adminAudit.js';
import { anAdminAction } from '../support/adminEvents.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');

describe('projection: admin_audit', () => {
  const spec = projectionSpec(adminAuditProjection);
  const entry = async ({ rows }: Then, eventId: string) =>
    (await rows('SELECT actor, action, target, outcome, source_ip, user_agent, occurred_at FROM admin_audit_log WHERE event_id = $1', [eventId]))[0];

  it('an admin action is one audit entry with who, what, on what, the outcome, from where and when', () => {
    const action = anAdminAction({ actor: 'ann@example.com', action: 'replay.start', target: 'integration_health', outcome: 'denied', sourceIp: '198.51.100.4', userAgent: 'curl/8', occurredAt: t0 });
    return spec.given(action).thenRows(async (t) => {
      expect(await entry(t, action.eventId)).to.deep.equal({
        actor: 'ann@example.com', action: 'replay.start', target: 'integration_health', outcome: 'denied', source_ip: '198.51.100.4', user_agent: 'curl/8', occurred_at: new Date(t0),
      });
      // Audit entries concern no integration: nothing for the integration WebSocket push.
      expect(t.changed).to.deep.equal([[]]);
    });
  });

  it('the same action delivered twice (a producer retry) is one entry, unchanged', () => {
    const action = anAdminAction({ action: 'admin.login' });
    return spec
      .given(action)
      .given({ ...action, outcome: 'failure' })
      .thenRows(async (t) => {
        const rows = await t.rows('SELECT outcome FROM admin_audit_log WHERE event_id = $1', [action.eventId]);
        expect(rows).to.deep.equal([{ outcome: 'success' }]);
      });
  });

  it('a failed login naming no account is recorded with actor unknown and no target or user agent', () => {
    const action = anAdminAction({ actor: 'unknown', outcome: 'failure', target: null, userAgent: null });
    return spec.given(action).thenRows(async (t) => expect(await entry(t, action.eventId)).to.include({ actor: 'unknown', outcome: 'failure', target: null, user_agent: null }));
  });

  it('U+0000 in a user agent or target from another producer is stored as U+FFFD', () => {
    const action = anAdminAction({ userAgent: 'evil\u0000agent', target: 'int\u0000-1' });
    return spec.given(action).thenRows(async (t) => expect(await entry(t, action.eventId)).to.include({ user_agent: 'evil\ufffdagent', target: 'int\ufffd-1' }));
  });
});
