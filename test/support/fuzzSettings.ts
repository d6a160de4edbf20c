// The API fuzz's own knobs. The app reads settings only through platform/config.ts; these are
// not the app's settings but the test's, read once here like KILL_SEED and TEST_LOG_LEVEL are
// in the other support modules. `FUZZ_SEED=<n> FUZZ_RUNS=<n> npx mocha test/integration/apiFuzz.test.ts`.
const whole = (name: string, fallback: number, min: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, not ${JSON.stringify(raw)}`);
  return n;
};

export const fuzzSettings = {
  /** Fixed by default: every run sends the same requests, so a failure reproduces. */
  seed: whole('FUZZ_SEED', 20_261_206, 0),
  /** Generated requests per operation (the default keeps the whole fuzz well under a minute). */
  runs: whole('FUZZ_RUNS', 25, 1),
};
