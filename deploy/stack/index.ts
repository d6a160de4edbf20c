// Programmatic API of the local stack (used by the test harness and the app's config defaults).
export { ensureStackUp, readStackInfo, stackDown, stackStatus, type StackOptions } from './stack.js';
export { STACK_JSON, STATE } from './paths.js';
export type { NodeStatus, ServiceName, ServiceStatus, StackInfo } from './types.js';
// Services of a test's own, to kill and restart without touching the shared stack.
export { startKafkaCluster, type KafkaCluster, type KafkaClusterNode, type KafkaClusterOptions } from './kafkaCluster.js';
export { startPostgresInstance, type PostgresInstance, type PostgresInstanceOptions } from './postgresInstance.js';
