// The admin audit trail: every admin action becomes an AdminActionPerformed event on
// audit.events (key: actor), projected into `admin_audit_log` (projections/adminAudit.ts) and
// read by GET /api/admin/audit.
//
// Adding an audited action is one line in the route: `await audit(req, 'export', req.path, 'success')`.
// The admin router installs the sink (`auditContext`) and `requireAdmin` sets the actor, so a
// route never passes either. The call is awaited before answering: an action whose audit
// record cannot be written answers 500 rather than go unrecorded.
//
// Only these fields are recorded: actor (an admin's email, or 'unknown'), action, target,
// outcome, source IP, user agent, time. Never a password, cookie, CSRF token or session id —
// and never what someone typed as an email unless it names an existing account (people type
// passwords into the email field).
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { EventCodec } from '../platform/events.js';
import type { EventProducer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import type { AdminActionOutcome } from '../schemas/types.generated.js';

export type AuditOutcome = AdminActionOutcome;

export interface AuditSink {
  producer: EventProducer;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
}

interface AuditState {
  sink: AuditSink;
  actor?: string;
}

const states = new WeakMap<Request, AuditState>();

/** Router middleware: lets `audit(req, …)` reach Kafka for requests under this router. */
export function auditContext(sink: AuditSink): RequestHandler {
  return (req, _res, next) => {
    states.set(req, { sink });
    next();
  };
}

/** The admin acting in this request (set by requireAdmin, or by the login route on success). */
export function setAuditActor(req: Request, email: string): void {
  const state = states.get(req);
  if (state) state.actor = email;
}

/** Records one admin action. `target` is what it acted on (topic, projection, integration id…), or null. */
export async function audit(req: Request, action: string, target: string | null, outcome: AuditOutcome, opts: { actor?: string } = {}): Promise<void> {
  const state = states.get(req);
  if (!state) throw new Error(`audit(${action}) outside the admin router: mount auditContext first`);
  const { sink } = state;
  const actor = opts.actor ?? state.actor ?? 'unknown';
  const event = {
    type: 'AdminActionPerformed' as const,
    eventId: randomUUID(),
    actor,
    action,
    target: target === null ? null : target.slice(0, 512),
    outcome,
    sourceIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: req.get('user-agent')?.slice(0, 512) ?? null,
    occurredAt: Date.now(),
  };
  try {
    await sink.producer.send(sink.topics.audit, [await sink.codec.encode(event)]);
  } catch (err) {
    sink.log.error({ err: { message: (err as Error)?.message }, action, outcome }, 'audit event not recorded');
    throw err;
  }
}
