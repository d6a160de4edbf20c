// Turns a check's error code into words a user can act on. Pure, so a change of wording
// or advice is re-applied to history by replaying the projection.

export interface ErrorAdvice {
  message: string;
  resolution: string;
  docsUrl: string;
}

const docsBase = 'https://docs.pulse.dev/troubleshooting';

const advice: Record<string, Omit<ErrorAdvice, 'docsUrl'>> = {
  slow_response: {
    message: 'The service works but is answering slowly.',
    resolution: 'Nothing to do unless it lasts; if it does, check the service\'s load or the network in between.',
  },
  quota_high: {
    message: 'Most of the provider quota is used up.',
    resolution: 'Reduce usage or raise the quota with the provider before it runs out.',
  },
  timeout: {
    message: 'The service did not answer in time.',
    resolution: 'Nothing to do if this is rare: we retry automatically. If it keeps happening, check that the service is up and not overloaded.',
  },
  connection_refused: {
    message: 'Could not connect: the service refused the connection.',
    resolution: 'Check that the service is running and that the address and port are right.',
  },
  connection_reset: {
    message: 'The connection to the service was cut off.',
    resolution: 'Nothing to do if this is rare: we retry automatically. If it keeps happening, check the service and any proxy in front of it.',
  },
  network_error: {
    message: 'A network problem stopped us from reaching the service.',
    resolution: 'We retry automatically. If it lasts, check that the service is reachable from the internet.',
  },
  dns_failure: {
    message: 'The service address could not be found.',
    resolution: 'Check the host name in the integration settings for typos.',
  },
  tls_error: {
    message: 'The secure connection failed (certificate problem).',
    resolution: 'Renew or fix the service\'s TLS certificate, or check the URL uses the right host name.',
  },
  unexpected_status: {
    message: 'The service answered with an unexpected status.',
    resolution: 'Check the URL and the expected status in the integration settings.',
  },
  body_mismatch: {
    message: 'The service answered, but not with the expected content.',
    resolution: 'Check the service\'s response, or update the expected text in the integration settings.',
  },
  rate_limited: {
    message: 'The service is rate-limiting us.',
    resolution: 'Nothing to do: we back off and try again later.',
  },
  unauthorized: {
    message: 'The service rejected our credentials.',
    resolution: 'Reconnect the integration to sign in again.',
  },
  forbidden: {
    message: 'The service refused access.',
    resolution: 'Reconnect the integration and grant the requested permissions.',
  },
  server_error: {
    message: 'The service is having problems on its side.',
    resolution: 'Nothing to do: we retry automatically. If it lasts, check the provider\'s status page.',
  },
  invalid_config: {
    message: 'The integration settings are not valid.',
    resolution: 'Edit the integration and correct its settings.',
  },
};

const fallback = {
  message: 'The check failed for an unexpected reason.',
  resolution: 'We retry automatically. If it keeps failing, contact support with the integration id.',
};

export function adviceFor(code: string): ErrorAdvice {
  const known = advice[code];
  return { ...(known ?? fallback), docsUrl: `${docsBase}#${known ? code.replace(/_/g, '-') : 'unexpected-error'}` };
}
