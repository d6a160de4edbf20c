// The error catalog: every error code a check can report, in words a user can act on, with
// ordered steps and a docs anchor (docs/troubleshooting.md#<code>). Pure, so a change of
// wording is re-applied to history by replaying the projection. The technical detail from the
// event stays for admins; users get what is here.

export interface ErrorAdvice {
  message: string;
  /** Ordered steps; the first is what to do now. */
  steps: string[];
  /** Relative to the docs base: `troubleshooting.md#<code>`. */
  docsPath: string;
}

const providerNames: Record<string, string> = {
  gmail: 'Gmail', google_calendar: 'Google Calendar', slack: 'Slack', mcp: 'the MCP server', http: 'the service',
};

export const providerName = (provider: string) => providerNames[provider] ?? provider;

type Entry = (p: string) => { message: string; steps: string[] };

const retryingAutomatically = 'Nothing to do if this is rare: Pulse retries automatically.';

const catalog: Record<string, Entry> = {
  slow_response: (p) => ({ message: `${cap(p)} works but is answering slowly.`, steps: ['Nothing to do unless it lasts.', `If it does, check ${p}'s load or the network in between.`] }),
  quota_high: (p) => ({ message: `${cap(p)} reports that most of the quota is used up.`, steps: [`Reduce usage or raise the quota with ${p} before it runs out.`] }),
  token_expiring: (p) => ({ message: `Access to ${p} expires soon and cannot be renewed automatically.`, steps: [`Reconnect ${p} before it expires to keep it working.`] }),
  timeout: (p) => ({ message: `${cap(p)} did not answer in time.`, steps: [retryingAutomatically, `If it keeps happening, check that ${p} is up and not overloaded.`] }),
  connection_refused: (p) => ({ message: `Could not connect: ${p} refused the connection.`, steps: [`Check that ${p} is running.`, 'Check the address and port in the integration settings.'] }),
  connection_reset: (p) => ({ message: `The connection to ${p} was cut off.`, steps: [retryingAutomatically, `If it keeps happening, check ${p} and any proxy in front of it.`] }),
  network_error: (p) => ({ message: `A network problem stopped us from reaching ${p}.`, steps: [retryingAutomatically, `If it lasts, check that ${p} is reachable from the internet.`] }),
  target_not_allowed: () => ({ message: 'Pulse may not connect to this address: it is not a public address.', steps: ['Use the public address of the service in the integration settings.', 'If it must be checked inside your network, ask your Pulse operator to add its host and port to EGRESS_ALLOW.'] }),
  dns_failure: (p) => ({ message: `The address of ${p} could not be found.`, steps: ['Check the host name in the integration settings for typos.'] }),
  tls_error: (p) => ({ message: `The secure connection to ${p} failed (certificate problem).`, steps: [`Renew or fix ${p}'s TLS certificate.`, 'Check that the URL uses the right host name.'] }),
  unexpected_status: (p) => ({ message: `${cap(p)} answered with an unexpected status.`, steps: ['Check the URL and the expected status in the integration settings.'] }),
  body_mismatch: (p) => ({ message: `${cap(p)} answered, but not with the expected content.`, steps: [`Check ${p}'s response.`, 'Or update the expected text in the integration settings.'] }),
  malformed_response: (p) => ({ message: `${cap(p)} sent an answer we could not read.`, steps: [retryingAutomatically, `If it lasts, ${p} may be having problems; check its status page.`] }),
  rate_limited: (p) => ({ message: `${cap(p)} is asking us to slow down.`, steps: ['Nothing to do: Pulse waits as long as asked and tries again.'] }),
  quota_exceeded: (p) => ({ message: `${cap(p)} reports that the quota is used up for now.`, steps: ['Wait for the quota to reset (usually daily).', `Or raise the quota with ${p}.`] }),
  unauthorized: (p) => ({ message: `${cap(p)} no longer accepts Pulse's access.`, steps: [`Reconnect ${p}: click Reconnect and sign in again.`] }),
  token_expired: (p) => ({ message: `Access to ${p} has expired.`, steps: [`Reconnect ${p}: click Reconnect and sign in again.`] }),
  token_revoked: (p) => ({ message: `Access to ${p} was revoked or has expired.`, steps: [`Reconnect ${p}: click Reconnect and approve access again.`, `If you removed Pulse from your ${p} account on purpose, disconnect the integration instead.`] }),
  scope_missing: (p) => ({ message: `Pulse is missing a permission it needs in ${p}.`, steps: [`Reconnect ${p} and leave every requested permission ticked.`] }),
  write_permission_missing: (p) => ({ message: `Pulse can read but not write to ${p}.`, steps: [`Reconnect ${p} and allow editing events.`, 'Or make sure your account owns the primary calendar.'] }),
  forbidden: (p) => ({ message: `${cap(p)} refused access.`, steps: [`Reconnect ${p} and grant the requested permissions.`] }),
  server_error: (p) => ({ message: `${cap(p)} is having problems on its side.`, steps: [retryingAutomatically, `If it lasts, check ${p}'s status page.`] }),
  provider_error: (p) => ({ message: `${cap(p)} reported an error Pulse does not know.`, steps: [retryingAutomatically, `If it lasts, check ${p}'s status page; the technical detail is in the admin view.`] }),
  socket_mode_failed: (p) => ({ message: `${cap(p)}'s real-time connection (Socket Mode) did not open.`, steps: [retryingAutomatically, 'If it lasts, check that Socket Mode is enabled for the app and its app-level token is valid.'] }),
  mcp_protocol_error: () => ({ message: 'The MCP server did not speak the protocol as expected.', steps: ['Check that the URL points at the server\'s Streamable HTTP endpoint.', 'Check the server\'s logs for errors.'] }),
  invalid_config: () => ({ message: 'The integration settings are not valid.', steps: ['Edit the integration and correct its settings.'] }),
};

const unexpected: Entry = () => ({ message: 'The check failed for an unexpected reason.', steps: ['Pulse retries automatically.', 'If it keeps failing, contact support with the integration id.'] });

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const knownErrorCodes = Object.keys(catalog);

export function adviceFor(code: string, provider = 'http'): ErrorAdvice {
  const entry = catalog[code];
  return { ...(entry ?? unexpected)(providerName(provider)), docsPath: `troubleshooting.md#${entry ? code : 'unexpected-error'}` };
}
