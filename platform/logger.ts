// Structured JSON logs (pino). Secrets are redacted by key wherever they appear, as a
// second line of defence: code should never hand a secret to the logger in the first place.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const secretKeys = ['authorization', 'cookie', 'token', 'accessToken', 'refreshToken', 'password', 'secret', 'jwtSecret', 'apiKey', 'code'];

export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.headers.${k}`),
];

export function createLogger(opts: { level: string; name: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      base: { service: opts.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
