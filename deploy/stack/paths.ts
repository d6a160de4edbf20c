// Where the local stack keeps its state, and the fixed addresses it serves on.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Repository root (this file lives in <root>/deploy/stack/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Source folder of the stack scripts (poms, static config). */
export const STACK_SRC = join(ROOT, 'deploy', 'stack');
/** Git-ignored state folder: data, pid files, logs, downloaded distributions. */
export const STATE = join(ROOT, '.stack');
export const LOGS = join(STATE, 'logs');
export const STACK_JSON = join(STATE, 'stack.json');
export const LOCK_FILE = join(STATE, 'up.lock');

export const logFile = (service: string): string => join(LOGS, `${service}.log`);
export const pidFile = (service: string): string => join(STATE, `${service}.pid`);

export const HOST = '127.0.0.1';

// Kafka's version is pinned in kafka/pom.xml (the jars on the classpath decide).
export const KAFKA = {
  port: 9092,
  controllerPort: 9093,
  dir: join(STATE, 'kafka'),
  dataDir: join(STATE, 'kafka', 'data'),
  /** A cluster of n > 1 nodes (`stack:up -- --brokers n`) lives apart, so the single node keeps its data. */
  clusterDir: (brokers: number): string => join(STATE, `kafka-${brokers}`),
  pom: join(STACK_SRC, 'kafka', 'pom.xml'),
  log4j: join(STACK_SRC, 'kafka', 'log4j.properties'),
} as const;

export const REGISTRY = {
  version: '3.0.9',
  port: 8081,
  dir: join(STATE, 'registry'),
  database: 'pulse_registry',
} as const;

export const POSTGRES = {
  defaultUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  localPort: 54329,
  dir: join(STATE, 'postgres'),
  dataDir: join(STATE, 'postgres', 'data'),
  /** Unix socket directory of the local server (short path: sockets are limited to ~100 bytes). */
  socketDir: join(STATE, 'postgres'),
  databases: ['pulse', 'pulse_test', REGISTRY.database],
} as const;
