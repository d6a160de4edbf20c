import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // Projection `alert_config` (config.events): what admins configured. Read by the API and
  // the notifier; the evaluator keeps its own copy, rebuilt from the same events.
  await k.raw(`
    CREATE TABLE alert_rules (
      rule_id                text        PRIMARY KEY,
      name                   text        NOT NULL,
      kind                   text        NOT NULL,
      params                 jsonb       NOT NULL,
      enabled                boolean     NOT NULL,
      severity               text        NOT NULL,
      provider               text,
      cooldown_seconds       integer     NOT NULL,
      escalate_after_seconds integer,
      channels               jsonb       NOT NULL,
      escalation_channels    jsonb       NOT NULL,
      notify_owner           boolean     NOT NULL,
      updated_at             timestamptz NOT NULL,
      updated_by             text        NOT NULL
    )`);
  await k.raw(`
    CREATE TABLE alert_webhooks (
      webhook_id      text        PRIMARY KEY,
      name            text        NOT NULL,
      url_origin      text        NOT NULL,
      enabled         boolean     NOT NULL,
      disabled_reason text,
      updated_at      timestamptz NOT NULL,
      updated_by      text        NOT NULL
    )`);
  await k.raw(`
    CREATE TABLE alert_suppressions (
      suppression_id text        PRIMARY KEY,
      rule_id        text,
      provider       text,
      integration_id text,
      starts_at      timestamptz,
      ends_at        timestamptz NOT NULL,
      reason         text        NOT NULL,
      updated_at     timestamptz NOT NULL,
      updated_by     text        NOT NULL
    )`);
  // Webhook URL + signing secret, sealed (AES-256-GCM) like OAuth tokens. Written by the API
  // when an admin saves a webhook, read by the notifier; never in an event or a response.
  await k.raw(`
    CREATE TABLE webhook_targets (
      webhook_id text        PRIMARY KEY,
      key_id     text        NOT NULL,
      iv         bytea       NOT NULL,
      tag        bytea       NOT NULL,
      ciphertext bytea       NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

  // Projection `alerts` (alerts.events): current state per alert and its history.
  await k.raw(`
    CREATE TABLE health_check_alerts (
      alert_id        text        PRIMARY KEY,
      rule_id         text        NOT NULL,
      rule_name       text        NOT NULL,
      rule_kind       text        NOT NULL,
      severity        text        NOT NULL,
      scope_type      text        NOT NULL,
      provider        text        NOT NULL,
      integration_id  text,
      user_id         text,
      status          text        NOT NULL CHECK (status IN ('open', 'resolved')),
      summary         text        NOT NULL,
      facts           jsonb       NOT NULL,
      flapping        boolean     NOT NULL,
      opened_at       timestamptz NOT NULL,
      escalated_at    timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by text,
      resolved_at     timestamptz,
      resolution      text,
      notifications   jsonb       NOT NULL DEFAULT '{}'::jsonb,
      updated_at      timestamptz NOT NULL
    )`);
  await k.raw('CREATE INDEX health_check_alerts_recent ON health_check_alerts (opened_at DESC, alert_id)');
  await k.raw("CREATE INDEX health_check_alerts_open ON health_check_alerts (provider, rule_kind) WHERE status = 'open'");
  await k.raw('CREATE INDEX health_check_alerts_integration ON health_check_alerts (integration_id, opened_at DESC)');
  await k.raw(`
    CREATE TABLE health_check_alert_events (
      event_id    text        PRIMARY KEY,
      alert_id    text        NOT NULL,
      type        text        NOT NULL,
      occurred_at timestamptz NOT NULL,
      detail      jsonb       NOT NULL
    )`);
  await k.raw('CREATE INDEX health_check_alert_events_alert ON health_check_alert_events (alert_id, occurred_at)');

  // The alert evaluator's snapshot: its state entries and the input offsets they reflect,
  // written after each committed Kafka transaction. Restoring replays from these offsets to
  // the group's committed ones without emitting (see consumers/alertEvaluator.ts).
  await k.raw('CREATE TABLE alert_evaluator_state (key text PRIMARY KEY, value jsonb NOT NULL)');
  await k.raw(`
    CREATE TABLE alert_evaluator_offsets (
      topic       text    NOT NULL,
      partition   integer NOT NULL,
      next_offset bigint  NOT NULL,
      PRIMARY KEY (topic, partition)
    )`);
  await k.raw('CREATE TABLE alert_evaluator_progress (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), progress numeric NOT NULL)');

  // The notifier's queue (projected from alerts.events with its offsets, so nothing is lost or
  // queued twice) and delivery ledger (so nothing is sent twice). One row per transition and channel.
  await k.raw(`
    CREATE TABLE notification_queue (
      transition_id   text        NOT NULL,
      channel_key     text        NOT NULL,
      alert_id        text        NOT NULL,
      channel         jsonb       NOT NULL,
      transition      jsonb       NOT NULL,
      queued_at       timestamptz NOT NULL DEFAULT now(),
      status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      digest_id       text,
      attempts        integer     NOT NULL DEFAULT 0,
      reason          text,
      finished_at     timestamptz,
      recorded        boolean     NOT NULL DEFAULT false,
      PRIMARY KEY (transition_id, channel_key)
    )`);
  await k.raw("CREATE INDEX notification_queue_pending ON notification_queue (channel_key, queued_at) WHERE status IN ('pending', 'sending')");
  await k.raw('CREATE INDEX notification_queue_unrecorded ON notification_queue (finished_at) WHERE NOT recorded AND finished_at IS NOT NULL');

  // Set once the default alert rules have been published (first start), so deleting a
  // default rule is final.
  await k.raw('CREATE TABLE alerting_bootstrap (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), seeded_at timestamptz NOT NULL DEFAULT now())');

  // Where an integration's owner gets mail: the email claim of their last token seen by the API.
  await k.raw(`
    CREATE TABLE user_contacts (
      user_id    text        PRIMARY KEY,
      email      text        NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(k: Knex): Promise<void> {
  await k.raw(`DROP TABLE user_contacts, alerting_bootstrap, notification_queue, alert_evaluator_progress, alert_evaluator_offsets, alert_evaluator_state,
    health_check_alert_events, health_check_alerts, webhook_targets, alert_suppressions, alert_webhooks, alert_rules`);
}
