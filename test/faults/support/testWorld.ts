// The fault world for mocha suites: the registry keeps its schemas in a database of this test
// run on the stack's Postgres (which no fault touches); stopped by the root hook (hooks.ts).
import { asPostgresAdmin, testRun } from '../../support/hooks.js';
import { faultWorld, type FaultWorld } from './world.js';

let storage: Promise<string> | undefined;

export function testWorld(): Promise<FaultWorld> {
  storage ??= (async () => {
    const database = `pulse_test_${testRun.id}_fault_registry`;
    await asPostgresAdmin((c) => c.query(`CREATE DATABASE ${database}`));
    const url = new URL(testRun.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  return storage.then((registryStorageUrl) => faultWorld({ registryStorageUrl }));
}
