// Notification delivery: what the notifier runtime calls. No Kafka, no Postgres here.
export { newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders, type SignInput, type VerifyOptions, type VerifyResult } from './signature.js';
export { egressPolicy, forbiddenRange, systemResolver, type EgressPolicy, type ForbiddenRange, type ResolvedAddress, type Resolver } from '../../platform/egress/index.js';
export { checkWebhookUrl, type WebhookUrlCheck } from './webhookUrl.js';
export { backoffDelayMs, parseRetryAfter, type BackoffPolicy } from './backoff.js';
export { deliverWebhook, type WebhookDeliveryOptions, type WebhookDeliveryResult, type WebhookMessage, type WebhookTarget } from './webhookDelivery.js';
export { createMailer, MailDeliveryError, type Mailer, type OutgoingMail, type SmtpSettings } from './email.js';
export * from './templates.js';
