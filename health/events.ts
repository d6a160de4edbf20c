// Pulse's domain events: the flat, discriminated shapes the rest of the code works with.
// Wire shapes come from schemas/types.generated.ts; turning these into Avro records and
// back (registry ids, unions) is platform/events.ts's job, so nothing here does I/O.
import type {
  AdminActionPerformed as AdminActionPerformedWire,
  AlertAcknowledged as AlertAcknowledgedWire,
  AlertEscalated as AlertEscalatedWire,
  AlertRaised as AlertRaisedWire,
  AlertResolved as AlertResolvedWire,
  AlertRuleDeleted,
  AlertRuleSaved as AlertRuleSavedWire,
  EvaluatorTicked as EvaluatorTickedWire,
  NotificationFailed as NotificationFailedWire,
  NotificationSent as NotificationSentWire,
  SuppressionDeleted,
  SuppressionSaved as SuppressionSavedWire,
  WebhookDeleted,
  WebhookDisabled as WebhookDisabledWire,
  WebhookSaved as WebhookSavedWire,
  CheckRequested as CheckRequestedWire,
  CredentialsRefreshed,
  ReauthCompleted,
  ReauthRequired,
  HealthChecked as HealthCheckedWire,
  IntegrationConnected,
  IntegrationDisconnected,
  IntegrationUpdated,
} from '../schemas/types.generated.js';

interface EventMeta {
  eventId: string;
  integrationId: string;
  userId: string;
  occurredAt: number;
}

export type HealthChecked = HealthCheckedWire & { type: 'HealthChecked' };

export type LifecycleEvent =
  | (EventMeta & { type: 'IntegrationConnected' } & Omit<IntegrationConnected, 'config'> & { config: Record<string, unknown> })
  | (EventMeta & { type: 'IntegrationUpdated' } & Omit<IntegrationUpdated, 'config'> & { config: Record<string, unknown> | null })
  | (EventMeta & { type: 'IntegrationDisconnected' } & IntegrationDisconnected)
  | (EventMeta & { type: 'CredentialsRefreshed' } & CredentialsRefreshed)
  | (EventMeta & { type: 'ReauthRequired' } & ReauthRequired)
  | (EventMeta & { type: 'ReauthCompleted' } & ReauthCompleted);

export type CheckRequested = CheckRequestedWire & { type: 'CheckRequested' };

/** An admin's action in the portal (audit.events, key: actor). */
export type AdminActionPerformed = AdminActionPerformedWire & { type: 'AdminActionPerformed' };

interface AlertMeta {
  eventId: string;
  alertId: string;
  occurredAt: number;
}

/** alerts.events (key: alertId): an alert's transitions, acknowledgements and deliveries. */
export type AlertEvent =
  | (AlertMeta & { type: 'AlertRaised' } & AlertRaisedWire)
  | (AlertMeta & { type: 'AlertEscalated' } & AlertEscalatedWire)
  | (AlertMeta & { type: 'AlertResolved' } & AlertResolvedWire)
  | (AlertMeta & { type: 'AlertAcknowledged' } & AlertAcknowledgedWire)
  | (AlertMeta & { type: 'NotificationSent' } & NotificationSentWire)
  | (AlertMeta & { type: 'NotificationFailed' } & NotificationFailedWire);

interface ConfigMeta {
  eventId: string;
  entityId: string;
  actor: string;
  occurredAt: number;
}

/** config.events (key: entityId): alerting configuration. */
export type ConfigEvent =
  | (ConfigMeta & { type: 'AlertRuleSaved' } & AlertRuleSavedWire)
  | (ConfigMeta & { type: 'AlertRuleDeleted' } & AlertRuleDeleted)
  | (ConfigMeta & { type: 'WebhookSaved' } & WebhookSavedWire)
  | (ConfigMeta & { type: 'WebhookDisabled' } & WebhookDisabledWire)
  | (ConfigMeta & { type: 'WebhookDeleted' } & WebhookDeleted)
  | (ConfigMeta & { type: 'SuppressionSaved' } & SuppressionSavedWire)
  | (ConfigMeta & { type: 'SuppressionDeleted' } & SuppressionDeleted);

/** alerts.clock: time passing, as the alert evaluator sees it. */
export type EvaluatorTicked = EvaluatorTickedWire & { type: 'EvaluatorTicked' };

export type PulseEvent = LifecycleEvent | HealthChecked | CheckRequested | AdminActionPerformed | AlertEvent | ConfigEvent | EvaluatorTicked;
export type EventType = PulseEvent['type'];

const alertTypes = new Set<string>(['AlertRaised', 'AlertEscalated', 'AlertResolved', 'AlertAcknowledged', 'NotificationSent', 'NotificationFailed'] satisfies AlertEvent['type'][]);
const configTypes = new Set<string>(['AlertRuleSaved', 'AlertRuleDeleted', 'WebhookSaved', 'WebhookDisabled', 'WebhookDeleted', 'SuppressionSaved', 'SuppressionDeleted'] satisfies ConfigEvent['type'][]);
const lifecycleTypes = new Set<string>(['IntegrationConnected', 'IntegrationUpdated', 'IntegrationDisconnected', 'CredentialsRefreshed', 'ReauthRequired', 'ReauthCompleted'] satisfies LifecycleEvent['type'][]);

export const isAlertEvent = (e: PulseEvent): e is AlertEvent => alertTypes.has(e.type);
export const isConfigEvent = (e: PulseEvent): e is ConfigEvent => configTypes.has(e.type);
export const isLifecycleEvent = (e: PulseEvent): e is LifecycleEvent => lifecycleTypes.has(e.type);
