// Google Calendar: the token is alive, events can be read, and (for integrations that
// create events) the token and the primary calendar allow writing.
import { z } from 'zod';
import type { CheckContext, CheckObservation, ProviderCheck } from './provider.js';
import { failure, googleGet, googleTokenStep, identifier, missingScopes, requireCredentials, runSteps } from './providerHttp.js';

const readScope = 'https://www.googleapis.com/auth/calendar.readonly';
const writeScope = 'https://www.googleapis.com/auth/calendar.events';

export const calendarConfigSchema = z.object({}).strict();
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

async function check(_config: CalendarConfig, ctx: CheckContext): Promise<CheckObservation> {
  return runSteps(ctx, async (steps) => {
    const { accessToken } = requireCredentials(ctx);
    // The token step asks only for reading; a missing write scope is its own finding below.
    const granted = await googleTokenStep(ctx, steps, accessToken, [readScope]);
    await steps.step('events_list',
      () => googleGet(ctx, steps, '/calendar/v3/calendars/primary/events?maxResults=1', 'events.list', accessToken),
      ({ res }) => `HTTP ${res.status}`);
    await steps.step('write_permission', async () => {
      if (missingScopes(granted, [writeScope]).length) throw failure('write_permission_missing', 'scope not granted: calendar.events');
      const { json } = await googleGet(ctx, steps, '/calendar/v3/users/me/calendarList/primary', 'calendarList.get', accessToken);
      const role = identifier(json.accessRole);
      if (role === null) throw failure('malformed_response', 'no accessRole in calendarList.get');
      if (role !== 'owner' && role !== 'writer') throw failure('write_permission_missing', `access role ${role} on the primary calendar`);
      return role;
    }, (role) => `access role ${role}`);
  });
}

export const calendarCheck: ProviderCheck<CalendarConfig> = {
  provider: 'google_calendar',
  configSchema: calendarConfigSchema,
  oauth: { issuer: 'google', requiredScopes: [readScope, writeScope] },
  check,
};
