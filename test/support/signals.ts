// Waiting for signals instead of time. A test that must know "the projector has applied
// everything produced so far" or "the evaluator has processed my sentinel" asks where the
// consumer's position is (a projection checkpoint in Postgres, or a group's committed offsets
// in Kafka) and compares it with the topic's end — never sleeps and hopes.
import type { Runtime } from '../../platform/runtime.js';

export type Position = { projection: string } | { group: string };
export type Offsets = { topic: string; partition: number; offset: bigint }[];

/** Polls `probe` until it returns something truthy; fails with what was last seen. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await probe();
    if (v) return v;
    last = v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Next offset to write on every partition of `topics`, now: "everything produced so far". */
export async function endOffsets(rt: Runtime, topics: string[]): Promise<Offsets> {
  const out: Offsets = [];
  for (const topic of topics) {
    for (const p of await rt.kafka.partitionOffsets(topic)) out.push({ topic, partition: p.partition, offset: p.high });
  }
  return out;
}

async function positions(rt: Runtime, at: Position, topics: string[]): Promise<Map<string, bigint>> {
  const key = (topic: string, partition: number) => `${topic}/${partition}`;
  const out = new Map<string, bigint>();
  if ('projection' in at) {
    const { rows } = await rt.db.query('SELECT topic, partition, next_offset FROM projection_checkpoints WHERE projection = $1 AND topic = ANY($2)', [at.projection, topics]);
    for (const r of rows as { topic: string; partition: number; next_offset: string }[]) out.set(key(r.topic, r.partition), BigInt(r.next_offset));
  } else {
    for (const c of await rt.kafka.committedOffsets(at.group, topics)) if (c.offset !== null) out.set(key(c.topic, c.partition), c.offset);
  }
  return out;
}

/**
 * Resolves once the consumer at `at` has passed every offset in `targets` (default: the end of
 * `topics` as of this call). A position short of its target still counts as caught up when
 * nothing readable lies between them: on transactional topics the last offset of a partition is
 * often a commit marker that no consumer ever "processes". That is looked up once per position
 * (reading a range joins a throwaway group, too slow for every poll).
 */
export async function caughtUp(rt: Runtime, at: Position, topicsOrTargets: string[] | Offsets, timeoutMs = 60_000): Promise<void> {
  const targets = topicsOrTargets.length === 0 || typeof topicsOrTargets[0] === 'string'
    ? await endOffsets(rt, topicsOrTargets as string[])
    : (topicsOrTargets as Offsets);
  const topics = [...new Set(targets.map((t) => t.topic))];
  const nothingReadable = new Map<string, boolean>();
  let behind: string[] = [];
  const what = 'projection' in at ? `projection ${at.projection}` : `group ${at.group}`;
  await eventually(async () => {
    const pos = await positions(rt, at, topics);
    behind = [];
    for (const t of targets) {
      const p = pos.get(`${t.topic}/${t.partition}`) ?? 0n;
      if (p >= t.offset) continue;
      const seen = `${t.topic}/${t.partition}@${p}<${t.offset}`;
      if (!nothingReadable.has(seen)) nothingReadable.set(seen, (await rt.kafka.readRange(t.topic, t.partition, p, t.offset)).length === 0);
      if (!nothingReadable.get(seen)) behind.push(`${t.topic}/${t.partition} at ${p} of ${t.offset}`);
    }
    return behind.length === 0;
  }, `${what} to catch up`, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; behind: ${behind.join(', ')}`);
  });
}

/**
 * A wait started now and awaited later (e.g. a log line that may come while the test awaits
 * something else). Its failure still reaches whoever awaits it, but does not count as
 * unhandled if the test ends before it gets there.
 */
export function awaitedLater<T>(wait: Promise<T>): Promise<T> {
  wait.catch(() => undefined);
  return wait;
}
