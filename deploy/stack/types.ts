// Shapes shared by the stack modules and exported to the app / test harness.

export type ServiceName = 'postgres' | 'kafka' | 'registry';

/** What `up` leaves running, as written to .stack/stack.json. */
export interface StackInfo {
  /** Every broker's address (the bootstrap list). */
  kafkaBrokers: string[];
  /** What topics should be created with: 1 on a single broker, 3 on a cluster of 3 (min.insync.replicas is 2 there). */
  replicationFactor: number;
  schemaRegistryUrl: string;
  databaseUrl: string;
  testDatabaseUrl: string;
  /** true = this stack runs (and `down` stops) the service; false = something else runs it. */
  startedByStack: Record<ServiceName, boolean>;
}

export interface ServiceStatus {
  service: ServiceName;
  address: string;
  up: boolean;
  /** Run by this stack (pid file + marker), as opposed to an already-running external service. */
  managed: boolean;
  pid?: number;
  note?: string;
  /** A service of several processes (a Kafka cluster): each one; `up` above means all of them are. */
  nodes?: NodeStatus[];
}

export interface NodeStatus {
  id: number;
  address: string;
  up: boolean;
  pid?: number;
}

/** Result of bringing one service up. */
export interface ServiceUp {
  address: string;
  managed: boolean;
  /** Was already running; nothing was started. */
  reused: boolean;
}
