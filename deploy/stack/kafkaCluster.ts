// A KRaft cluster of n nodes on 127.0.0.1, each node broker + controller and all of them voters.
// Used by the stack CLI (`stack:up -- --brokers 3`: detached daemons with pid files) and by tests
// that kill and restart brokers (children of the test process, killed when it exits).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { javaCommand } from './java.js';
import { kafkaAnswers } from './kafkaProbe.js';
import { clusterIdIn, clusterLayout, formatStorageOnce, kafkaJvmArgs, nodeProperties, prepareKafka, requireClasspath, writeProperties, type NodeAddress } from './kafkaNode.js';
import { HOST } from './paths.js';
import { isAlive } from './processes.js';
import { createProgress, seconds, type Progress } from './progress.js';
import { portOpen, sleep, waitUntil } from './wait.js';

export interface KafkaClusterOptions {
  /** Data, logs and properties of every node (node-<id>/ inside), and the cluster id. */
  dir: string;
  /** How many nodes (1 or 3 in practice; any n >= 1 works). */
  brokers: number;
  /** Node i (0-based) listens on basePort + 2i, its controller on basePort + 2i + 1. */
  basePort: number;
  progress?: Progress;
  /**
   * true: detached processes with pid files that outlive the caller (the stack CLI), and nodes
   * already running from an earlier call are reused. false: children of this process, killed
   * when it exits (tests).
   */
  daemon?: boolean;
}

export interface KafkaClusterNode {
  id: number;
  /** host:port of its client listener. */
  address: string;
  /** Its stdout+stderr, appended to across restarts. */
  log: string;
  /** The running process, if any. */
  pid(): number | undefined;
}

export interface KafkaCluster {
  /** Every node's client address, e.g. ['127.0.0.1:29092', '127.0.0.1:29094', …]. */
  bootstrap: string[];
  nodes: KafkaClusterNode[];
  /** SIGKILL; resolves when the process is gone. */
  kill(nodeId: number): Promise<void>;
  /** SIGTERM (controlled shutdown; SIGKILL after a minute); resolves when the process is gone. */
  stop(nodeId: number): Promise<void>;
  /** Start again on the same data; resolves when the node answers. A running node is only waited for. */
  start(nodeId: number): Promise<void>;
  /** Stops every node (in parallel). */
  stopAll(): Promise<void>;
}

const SERVICE = 'kafka';
/** A node of a 3-voter quorum cannot finish starting until a majority runs; on 2 busy cores that takes a while. */
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 60_000;
/** Stopping every node together: a node left without a quorum cannot finish its controlled shutdown. */
const ALL_STOP_GRACE_MS = 10_000;

/** Where node `id` of a cluster in `dir` keeps its files. */
export function nodePaths(dir: string, id: number): { dir: string; data: string; properties: string; log: string; pidFile: string; marker: string } {
  const nodeDir = join(dir, `node-${id}`);
  return {
    dir: nodeDir,
    data: join(nodeDir, 'data'),
    properties: join(nodeDir, 'server.properties'),
    log: join(nodeDir, 'kafka.log'),
    pidFile: join(nodeDir, 'kafka.pid'),
    // Names the node in `ps` and lets a pid file be trusted only for the process it was written for.
    marker: `-Dpulse.kafka.node=${nodeDir}`,
  };
}

/** Pid of a daemon node of the cluster in `dir`, when its pid file names a live process of that node. */
export function daemonPid(dir: string, id: number): number | undefined {
  const paths = nodePaths(dir, id);
  try {
    const pid = Number.parseInt(readFileSync(paths.pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid, paths.marker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * Whether every thread of `pid` has exited. A JVM's main thread turns zombie while its other
 * threads are still tearing down (and still hold its sockets), so "zombie" alone is not gone.
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
  try {
    if (!/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true; // reaped between the two reads
  }
}

/** Resolves true once `pid` is gone, false after timeoutMs. */
async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!processGone(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function terminate(pid: number, graceMs: number, progress: Progress, what: string): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await gone(pid, graceMs)) return;
  progress.warn(SERVICE, `${what} still running after ${graceMs / 1000}s, sending SIGKILL`);
  signal(pid, 'SIGKILL');
  if (!(await gone(pid, 10_000))) throw new Error(`${what} (pid ${pid}) survived SIGKILL`);
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<KafkaCluster> {
  const progress = opts.progress ?? createProgress(true);
  const daemon = opts.daemon ?? false;
  const layout = clusterLayout(opts.basePort, opts.brokers);
  await prepareKafka(progress);
  const cp = requireClasspath();
  mkdirSync(opts.dir, { recursive: true });
  const clusterId = clusterIdIn(join(opts.dir, 'cluster-id'));
  const running = new Map<number, { pid: number; exited: () => string | undefined }>();

  const addressOf = (n: NodeAddress): string => `${HOST}:${n.port}`;
  const nodeOf = (id: number): NodeAddress => {
    const n = layout.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id} in this cluster (ids 1..${layout.length})`);
    return n;
  };
  const pidOf = (id: number): number | undefined => {
    const proc = running.get(id);
    if (proc && proc.exited() === undefined && !processGone(proc.pid)) return proc.pid;
    return daemon ? daemonPid(opts.dir, id) : undefined;
  };

  async function prepareNode(n: NodeAddress): Promise<void> {
    const paths = nodePaths(opts.dir, n.id);
    mkdirSync(paths.dir, { recursive: true });
    writeProperties(paths.properties, nodeProperties(n, layout, paths.data));
    if (await formatStorageOnce(cp, paths.properties, paths.data, clusterId, paths.log)) {
      progress.say(SERVICE, `node ${n.id}: formatted ${paths.data} (cluster id ${clusterId})`);
    }
  }

  async function spawnNode(n: NodeAddress): Promise<void> {
    const paths = nodePaths(opts.dir, n.id);
    for (const port of [n.port, n.controllerPort]) {
      if (await portOpen(HOST, port)) throw new Error(`port ${port} (Kafka node ${n.id} of ${opts.dir}) is already in use`);
    }
    const args = [...kafkaJvmArgs(layout.length, [paths.marker]), 'kafka.Kafka', paths.properties];
    const fd = openSync(paths.log, 'a');
    writeSync(fd, `\n=== ${new Date().toISOString()} pulse starting Kafka node ${n.id}: ${javaCommand()} ${args.join(' ')}\n`);
    const child = spawn(javaCommand(), args, {
      cwd: paths.dir,
      // Classpath via the environment keeps `ps` output readable (it is ~100 jars).
      env: { ...process.env, CLASSPATH: cp },
      detached: daemon,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${javaCommand()}`);
    const pid = child.pid;
    let exit: string | undefined;
    const killOnExit = (): void => signal(pid, 'SIGKILL');
    child.once('exit', (code, sig) => {
      exit = `process exited (${sig ?? `code ${code}`})`;
      process.off('exit', killOnExit);
    });
    child.once('error', (err) => {
      exit = err.message;
      process.off('exit', killOnExit);
    });
    if (daemon) {
      child.unref();
      writeFileSync(paths.pidFile, `${pid}\n`);
    } else {
      process.once('exit', killOnExit);
    }
    running.set(n.id, { pid, exited: () => exit });
  }

  async function waitReady(n: NodeAddress): Promise<void> {
    const paths = nodePaths(opts.dir, n.id);
    const address = addressOf(n);
    await waitUntil({
      service: SERVICE,
      what: `Kafka node ${n.id} (${address})`,
      progress,
      timeoutMs: READY_TIMEOUT_MS,
      ready: async () => (await portOpen(HOST, n.port)) && kafkaAnswers(address, 2000),
      failed: () => running.get(n.id)?.exited() ?? (pidOf(n.id) === undefined ? 'process is gone' : undefined),
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- last lines of ${paths.log}:\n${logTail(paths.log)}`);
    });
  }

  async function startNode(id: number): Promise<void> {
    const n = nodeOf(id);
    if (pidOf(id) === undefined) {
      await prepareNode(n);
      await spawnNode(n);
    }
    await waitReady(n);
  }

  async function kill(id: number): Promise<void> {
    nodeOf(id);
    const pid = pidOf(id);
    if (pid === undefined) return;
    signal(pid, 'SIGKILL');
    if (!(await gone(pid, 10_000))) throw new Error(`Kafka node ${id} (pid ${pid}) survived SIGKILL`);
    if (daemon) rmSync(nodePaths(opts.dir, id).pidFile, { force: true });
  }

  async function stop(id: number, graceMs = STOP_GRACE_MS): Promise<void> {
    nodeOf(id);
    const pid = pidOf(id);
    if (pid === undefined) return;
    await terminate(pid, graceMs, progress, `Kafka node ${id}`);
    if (daemon) rmSync(nodePaths(opts.dir, id).pidFile, { force: true });
  }

  const start = Date.now();
  const reused = layout.filter((n) => pidOf(n.id) !== undefined).map((n) => n.id);
  progress.say(
    SERVICE,
    `${reused.length === layout.length ? 'using' : 'starting'} a ${layout.length}-node KRaft cluster on ${layout.map(addressOf).join(',')} (dir ${opts.dir})` +
      (reused.length && reused.length < layout.length ? `; nodes ${reused.join(',')} already run` : ''),
  );
  // In parallel: with 3 voters no node becomes ready before a majority of them runs.
  const results = await Promise.allSettled(layout.map((n) => startNode(n.id)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (errors.length) {
    if (!daemon) await Promise.allSettled(layout.map((n) => kill(n.id)));
    throw new Error(errors.join('\n\n'));
  }
  progress.say(SERVICE, `${layout.length}-node cluster ready in ${seconds(start)}`);

  return {
    bootstrap: layout.map(addressOf),
    nodes: layout.map((n) => ({ id: n.id, address: addressOf(n), log: nodePaths(opts.dir, n.id).log, pid: () => pidOf(n.id) })),
    kill,
    stop: (id) => stop(id),
    start: startNode,
    stopAll: async () => {
      // All at once, so a node's controlled shutdown may find the controller quorum gone and
      // wait for it forever: a short grace, then SIGKILL (the data is safe either way).
      const stopped = await Promise.allSettled(layout.map((n) => stop(n.id, layout.length > 1 ? ALL_STOP_GRACE_MS : STOP_GRACE_MS)));
      const failed = stopped.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      if (failed.length) throw new Error(failed.join('\n'));
    },
  };
}
