// What notifications say: the admins' digest, the owner's email and the webhook payload.
export { renderAdminDigest, type Links, type RenderedEmail } from './adminDigest.js';
export { renderOwnerEmail, type OwnerEmailContext } from './ownerEmail.js';
export { webhookBody, type WebhookAlert, type WebhookPayload } from './webhookBody.js';
