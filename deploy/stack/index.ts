// Programmatic API of the local stack (used by the test harness and the app's config defaults).
export { ensureStackUp, readStackInfo, stackDown, stackStatus, type StackOptions } from './stack.js';
export { STACK_JSON, STATE } from './paths.js';
export type { ServiceName, ServiceStatus, StackInfo } from './types.js';
