// The stack's Apache Kafka 3.9.x, run from Maven Central jars: by default one KRaft node (broker +
// controller) in .stack/kafka on 9092; with `--brokers n` an n-node cluster in .stack/kafka-<n>
// on 9092, 9094, … (controllers on the odd ports), all of them detached daemons.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { javaCommand } from './java.js';
import { daemonPid, nodePaths, startKafkaCluster, terminate } from './kafkaCluster.js';
import { clusterIdIn, clusterLayout, formatStorageOnce, kafkaJvmArgs, nodeProperties, requireClasspath, writeProperties } from './kafkaNode.js';
import { kafkaAnswers } from './kafkaProbe.js';
import { HOST, KAFKA, logFile, STATE } from './paths.js';
import { logTail, markerArg, runningPid, spawnDaemon, stopDaemon } from './processes.js';
import { seconds, type Progress } from './progress.js';
import type { NodeStatus, ServiceStatus, ServiceUp } from './types.js';
import { portOpen, waitUntil } from './wait.js';

export { prepareKafka } from './kafkaNode.js';

const SERVICE = 'kafka';
export const KAFKA_BROKER = `${HOST}:${KAFKA.port}`;

const clusterIdFile = join(KAFKA.dir, 'cluster-id');
const propertiesFile = join(KAFKA.dir, 'server.properties');

export interface KafkaUp extends ServiceUp {
  /** Every broker's address. */
  brokers: string[];
  replicationFactor: number;
}

const plural = (n: number): string => `${n} broker${n === 1 ? '' : 's'}`;

/** Sizes of the clusters set up in .stack (kafka-<n> dirs), running or not. */
function clusterSizes(): number[] {
  if (!existsSync(STATE)) return [];
  return readdirSync(STATE).flatMap((name) => {
    const n = Number(/^kafka-(\d+)$/.exec(name)?.[1]);
    return n > 1 ? [n] : [];
  });
}

function clusterPids(brokers: number): (number | undefined)[] {
  return clusterLayout(KAFKA.port, brokers).map((node) => daemonPid(KAFKA.clusterDir(brokers), node.id));
}

/** How many brokers the stack's Kafka runs now: 1, the size of a cluster with a live node, or undefined. */
export function runningBrokers(): number | undefined {
  if (runningPid(SERVICE) !== undefined) return 1;
  return clusterSizes().find((n) => clusterPids(n).some((pid) => pid !== undefined));
}

async function waitReady(progress: Progress, exited: () => string | undefined, pid: number): Promise<void> {
  await waitUntil({
    service: SERVICE,
    what: 'Kafka',
    progress,
    timeoutMs: 90_000,
    ready: async () => (await portOpen(HOST, KAFKA.port)) && kafkaAnswers(KAFKA_BROKER, 2000),
    failed: () => exited() ?? (runningPid(SERVICE) === pid ? undefined : 'process is gone'),
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n--- last lines of ${logFile(SERVICE)}:\n${logTail(SERVICE)}`);
  });
}

/** The single node, as it always was: .stack/kafka, pid file .stack/kafka.pid, log .stack/logs/kafka.log. */
async function startSingle(progress: Progress): Promise<ServiceUp> {
  const ours = runningPid(SERVICE);
  if (ours !== undefined) {
    await waitReady(progress, () => undefined, ours);
    return { address: KAFKA_BROKER, managed: true, reused: true };
  }
  if (await portOpen(HOST, KAFKA.port)) {
    if (await kafkaAnswers(KAFKA_BROKER)) {
      progress.say(SERVICE, `a Kafka not started by this stack answers on ${KAFKA_BROKER}; using it`);
      return { address: KAFKA_BROKER, managed: false, reused: true };
    }
    throw new Error(`port ${KAFKA.port} is in use by something that is not a Kafka broker`);
  }
  if (await portOpen(HOST, KAFKA.controllerPort)) throw new Error(`controller port ${KAFKA.controllerPort} is already in use`);

  const cp = requireClasspath();
  const jar = cp.split(':').find((j) => /\/kafka_2\.13-[^/]+\.jar$/.test(j));
  const start = Date.now();
  const self = { id: 1, port: KAFKA.port, controllerPort: KAFKA.controllerPort };
  mkdirSync(KAFKA.dataDir, { recursive: true });
  const meta = join(KAFKA.dataDir, 'meta.properties');
  const formatted = existsSync(meta) ? /cluster\.id=(\S+)/.exec(readFileSync(meta, 'utf8'))?.[1] : undefined;
  const id = clusterIdIn(clusterIdFile, formatted);
  writeProperties(propertiesFile, nodeProperties(self, [self], KAFKA.dataDir));
  if (!existsSync(meta)) progress.say(SERVICE, `formatting KRaft storage (cluster id ${id})`);
  await formatStorageOnce(cp, propertiesFile, KAFKA.dataDir, id, logFile(SERVICE));
  progress.say(SERVICE, `starting ${jar ? basename(jar, '.jar') : 'Kafka'} (KRaft) on ${KAFKA_BROKER}, log ${logFile(SERVICE)}`);
  const daemon = spawnDaemon({
    service: SERVICE,
    command: javaCommand(),
    args: [...kafkaJvmArgs(1, [markerArg(SERVICE)]), 'kafka.Kafka', propertiesFile],
    cwd: KAFKA.dir,
    // Classpath via the environment keeps `ps` output readable (it is ~100 jars).
    env: { ...process.env, CLASSPATH: cp },
  });
  await waitReady(progress, daemon.exited, daemon.pid);
  progress.say(SERVICE, `ready in ${seconds(start)} (pid ${daemon.pid})`);
  return { address: KAFKA_BROKER, managed: true, reused: false };
}

/**
 * Start the stack's Kafka with `brokers` nodes, or reuse what runs. Without `brokers`: whatever
 * runs, else one node. Asking for another size than the one running fails: switching would
 * orphan the topics of the other, so that takes an explicit stack:down.
 */
export async function startKafka(progress: Progress, brokers?: number): Promise<KafkaUp> {
  const running = runningBrokers();
  if (brokers !== undefined && running !== undefined && running !== brokers) {
    throw new Error(`the stack runs ${plural(running)}; run stack:down first (asked for ${plural(brokers)})`);
  }
  const n = brokers ?? running ?? 1;
  if (n === 1) return { ...(await startSingle(progress)), brokers: [KAFKA_BROKER], replicationFactor: 1 };
  const reused = clusterPids(n).every((pid) => pid !== undefined);
  const cluster = await startKafkaCluster({ dir: KAFKA.clusterDir(n), brokers: n, basePort: KAFKA.port, daemon: true, progress });
  return { address: cluster.bootstrap.join(','), managed: true, reused, brokers: cluster.bootstrap, replicationFactor: Math.min(3, n) };
}

/** Stops the single node and every node of any cluster this stack runs. */
export async function stopKafka(progress: Progress): Promise<boolean> {
  const single = await stopDaemon(SERVICE, 60_000, progress);
  const nodes = clusterSizes().flatMap((n) =>
    clusterLayout(KAFKA.port, n).flatMap((node) => {
      const dir = KAFKA.clusterDir(n);
      const pid = daemonPid(dir, node.id);
      return pid === undefined ? [] : [{ dir, id: node.id, pid }];
    }),
  );
  await Promise.all(
    nodes.map(async ({ dir, id, pid }) => {
      progress.say(SERVICE, `stopping node ${id} (pid ${pid})…`);
      // All nodes at once: one left without a controller quorum cannot finish a controlled
      // shutdown, so a short grace before SIGKILL.
      await terminate(pid, nodes.length > 1 ? 15_000 : 60_000, progress, `Kafka node ${id}`);
      rmSync(nodePaths(dir, id).pidFile, { force: true });
    }),
  );
  return single || nodes.length > 0;
}

async function answers(address: string, port: number): Promise<boolean> {
  return (await portOpen(HOST, port)) && kafkaAnswers(address, 2000);
}

/** One row; for a cluster (running, or the one stack.json last described) it lists every node. */
export async function kafkaStatus(lastBrokers = 1): Promise<ServiceStatus> {
  const brokers = runningBrokers() ?? lastBrokers;
  if (brokers === 1) {
    const pid = runningPid(SERVICE);
    const up = await answers(KAFKA_BROKER, KAFKA.port);
    return { service: SERVICE, address: KAFKA_BROKER, up, managed: pid !== undefined, ...(pid !== undefined ? { pid } : {}) };
  }
  const pids = clusterPids(brokers);
  const nodes: NodeStatus[] = await Promise.all(
    clusterLayout(KAFKA.port, brokers).map(async (node, i) => {
      const address = `${HOST}:${node.port}`;
      const pid = pids[i];
      return { id: node.id, address, up: await answers(address, node.port), ...(pid !== undefined ? { pid } : {}) };
    }),
  );
  return {
    service: SERVICE,
    address: nodes.map((n) => n.address).join(','),
    up: nodes.every((n) => n.up),
    managed: pids.some((pid) => pid !== undefined),
    note: `${brokers} nodes in ${KAFKA.clusterDir(brokers)}`,
    nodes,
  };
}
