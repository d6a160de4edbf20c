import { expect } from 'chai';
import {
  COMMIT_EVERY_MS, commitDue, initialLife, planActivation, SNAPSHOT_EVERY_MS, snapshotDue, transition,
  type ActivationPlan, type Effect, type Life, type LifeEvent,
} from '../../consumers/evaluatorStates.js';
import { CRASH_PAUSE_MS, REBUILD_PAUSE_MS } from '../../platform/kafka/restartPolicy.js';

type Memory = { name: string };
const memory: Memory = { name: 'memory' };
const T0 = 1_000_000;
const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;

/** Runs events through the machine from `life`, returning where it ends and every effect on the way. */
function run(life: Life<Memory>, events: (LifeEvent<Memory> | [LifeEvent<Memory>, number])[]) {
  const effects: Effect<Memory>[] = [];
  for (const item of events) {
    const [event, now] = Array.isArray(item) ? item : [item, T0];
    const step = transition(life, event, now);
    life = step.life;
    effects.push(...step.effects);
  }
  return { life, effects };
}

const kinds = (effects: Effect<Memory>[]) => effects.map((e) => e.kind);

const plan = (over: Partial<ActivationPlan> = {}): ActivationPlan => ({
  replayUntil: new Map([['checks:0', 10n]]),
  position: new Map([['checks:0', 5n]]),
  uncommitted: new Map(),
  ...over,
});

/** Active at T0, position 5 on checks:0, replaying silently until 10. */
const active = (over: Partial<ActivationPlan> = {}) =>
  run(initialLife, [{ type: 'assigned', partitions: 1 }, { type: 'activated', plan: plan(over), memory }]).life;

const position = (life: Life<Memory>) => (life.phase === 'active' || life.phase === 'stopping' ? life.progress?.position.get('checks:0') : undefined);

describe('evaluator states', () => {
  describe('standby and activation', () => {
    it('starts on standby and activates when the group gives it partitions', () => {
      const step = transition(initialLife, { type: 'assigned', partitions: 3 }, T0);
      expect(step.life.phase).to.equal('activating');
      expect(kinds(step.effects)).to.deep.equal(['activate']);
    });

    it('stays on standby (and stops ticking) when another member got the partitions', () => {
      const step = transition(initialLife, { type: 'assigned', partitions: 0 }, T0);
      expect(step.life.phase).to.equal('standby');
      expect(step.effects).to.deep.equal([{ kind: 'stopTicking' }, { kind: 'announce', what: 'standby' }]);
    });

    it('once activated seeks every partition to the snapshot, then ticks', () => {
      const { life, effects } = run(initialLife, [{ type: 'assigned', partitions: 1 }, { type: 'activated', plan: plan(), memory }]);
      expect(life.phase).to.equal('active');
      expect(effects.slice(1)).to.deep.equal([
        { kind: 'seek', key: 'checks:0', offset: 5n }, { kind: 'stopTicking' }, { kind: 'startTicking' }, { kind: 'announce', what: 'active' },
      ]);
    });

    it('a failed activation leaves it on standby, processing nothing', () => {
      const { life } = run(initialLife, [{ type: 'assigned', partitions: 1 }, { type: 'activationFailed' }]);
      expect(life.phase).to.equal('standby');
      expect(transition(life, { type: 'batch', key: 'checks:0', firstOffset: 5n }, T0).effects).to.deep.equal([]);
    });

    it('a revoke that lands during activation wins: the late activation neither takes over nor ticks', () => {
      const { life, effects } = run(initialLife, [
        { type: 'assigned', partitions: 1 }, { type: 'assigned', partitions: 0 }, { type: 'activated', plan: plan(), memory },
      ]);
      expect(life.phase).to.equal('standby');
      expect(kinds(effects)).to.not.include('startTicking');
    });

    it('revoked while active: memory dropped, ticking stopped, batches ignored', () => {
      const step = transition(active(), { type: 'assigned', partitions: 0 }, T0);
      expect(step.life.phase).to.equal('standby');
      expect(kinds(step.effects)).to.deep.equal(['stopTicking', 'announce']);
      expect(transition(step.life, { type: 'batch', key: 'checks:0', firstOffset: 5n }, T0).effects).to.deep.equal([]);
    });

    it('assigned again while active (the consumer rejoined after a crash) activates afresh from the snapshot', () => {
      const step = transition(active(), { type: 'assigned', partitions: 1 }, T0);
      expect(step.life.phase).to.equal('activating');
      expect(kinds(step.effects)).to.deep.equal(['activate']);
    });
  });

  describe('batches', () => {
    it('evaluates from its position, emitting only past what was committed before', () => {
      const step = transition(active(), { type: 'batch', key: 'checks:0', firstOffset: 5n }, T0);
      expect(step.effects).to.deep.equal([{ kind: 'evaluate', key: 'checks:0', from: 5n, emitFrom: 10n, memory }]);
    });

    it('a fetch that ran ahead of the seek is sent back once; the same start again is a gap, not a loss', () => {
      const first = transition(active(), { type: 'batch', key: 'checks:0', firstOffset: 8n }, T0);
      expect(first.effects).to.deep.equal([{ kind: 'seek', key: 'checks:0', offset: 5n }]);
      const again = transition(first.life, { type: 'batch', key: 'checks:0', firstOffset: 8n }, T0);
      expect(kinds(again.effects)).to.deep.equal(['evaluate']);
    });

    it('re-evaluating inputs committed before writes no offsets and commits nothing', () => {
      const { life, effects } = run(active(), [[{ type: 'evaluated', key: 'checks:0', last: 7n, wrote: false }, T0 + 5_000]]);
      expect(kinds(effects)).to.not.include('commit');
      expect(position(life)).to.equal(8n);
      expect(life.phase === 'active' && life.progress.uncommitted.size).to.equal(0);
    });

    it('a batch with output commits at once, with every offset read so far', () => {
      const { life, effects } = run(active({ replayUntil: new Map([['checks:0', 0n]]), uncommitted: new Map([['config:0', 4n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true },
      ]);
      expect(effects).to.deep.equal([{ kind: 'commit', key: 'checks:0', last: 6n, offsets: [['config:0', 4n], ['checks:0', 7n]] }]);
      expect(position(life)).to.equal(5n); // not moved until the transaction is in
    });

    it('a silent batch waits for the next write or for the commit interval', () => {
      const silent = active({ replayUntil: new Map([['checks:0', 0n]]) });
      const soon = run(silent, [[{ type: 'evaluated', key: 'checks:0', last: 6n, wrote: false }, T0 + COMMIT_EVERY_MS - 1]]);
      expect(kinds(soon.effects)).to.not.include('commit');
      expect(position(soon.life)).to.equal(7n);
      const late = run(soon.life, [[{ type: 'evaluated', key: 'checks:0', last: 8n, wrote: false }, T0 + COMMIT_EVERY_MS]]);
      expect(late.effects).to.deep.equal([{ kind: 'commit', key: 'checks:0', last: 8n, offsets: [['checks:0', 9n]] }]);
    });

    it('a commit moves the position, clears what was pending and restarts the commit interval', () => {
      const { life } = run(active({ replayUntil: new Map([['checks:0', 0n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true },
        [{ type: 'committed', key: 'checks:0', last: 6n }, T0 + 300],
      ]);
      expect(life.phase).to.equal('active');
      if (life.phase !== 'active') return;
      expect(life.progress.position.get('checks:0')).to.equal(7n);
      expect(life.progress.uncommitted.size).to.equal(0);
      expect(life.progress.lastCommitAt).to.equal(T0 + 300);
    });

    it('first-start history is committed with the first commit, so a later owner does not take it for news', () => {
      const { effects } = run(active({ replayUntil: new Map([['checks:0', 10n]]), uncommitted: new Map([['checks:0', 10n], ['lifecycle:0', 3n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 9n, wrote: true },
      ]);
      expect(effects).to.deep.equal([{ kind: 'commit', key: 'checks:0', last: 9n, offsets: [['checks:0', 10n], ['lifecycle:0', 3n]] }]);
    });

    it('snapshots after progress at most once per interval, with the position it reflects, then heartbeats', () => {
      const { effects } = run(active(), [
        { type: 'evaluated', key: 'checks:0', last: 5n, wrote: false },
        [{ type: 'evaluated', key: 'checks:0', last: 6n, wrote: false }, T0 + SNAPSHOT_EVERY_MS - 1],
        [{ type: 'evaluated', key: 'checks:0', last: 7n, wrote: false }, T0 + SNAPSHOT_EVERY_MS],
      ]);
      expect(kinds(effects)).to.deep.equal(['saveSnapshot', 'heartbeat', 'heartbeat', 'saveSnapshot', 'heartbeat']);
      expect((effects[0] as Extract<Effect<Memory>, { kind: 'saveSnapshot' }>).position.get('checks:0')).to.equal(6n);
      expect((effects[3] as Extract<Effect<Memory>, { kind: 'saveSnapshot' }>).position.get('checks:0')).to.equal(8n);
    });
  });

  describe('rebuild', () => {
    const failed = () => run(active({ replayUntil: new Map([['checks:0', 0n]]) }), [
      { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true }, { type: 'commitFailed' },
    ]);

    it('a failed transaction throws the memory away and rejoins the group after a pause', () => {
      const { life, effects } = failed();
      expect(life).to.deep.equal({ phase: 'rebuilding', attempt: 1 });
      expect(effects.slice(1)).to.deep.equal([{ kind: 'stopTicking' }, { kind: 'scheduleRestart', afterMs: REBUILD_PAUSE_MS }]);
    });

    it('while rebuilding, batches and assignments are not acted on (the rejoin brings its own)', () => {
      const { life, effects } = run(failed().life, [
        { type: 'batch', key: 'checks:0', firstOffset: 7n }, { type: 'assigned', partitions: 1 }, { type: 'evaluated', key: 'checks:0', last: 7n, wrote: true },
      ]);
      expect(life.phase).to.equal('rebuilding');
      expect(effects).to.deep.equal([]);
    });

    it('the restart rejoins from standby, so the new assignment activates it', () => {
      const { life, effects } = run(failed().life, [{ type: 'restartDue' }]);
      expect(life.phase).to.equal('standby');
      expect(kinds(effects)).to.deep.equal(['restart']);
      expect(transition(life, { type: 'assigned', partitions: 1 }, T0).life.phase).to.equal('activating');
    });

    it('a restart that cannot rejoin tries again, with the restart policy\'s longer pause, counting attempts', () => {
      const { life, effects } = run(failed().life, [{ type: 'restartDue' }, { type: 'restartFailed' }, { type: 'restartDue' }, { type: 'restartFailed' }]);
      expect(life).to.deep.equal({ phase: 'rebuilding', attempt: 3 });
      expect(effects.filter((e) => e.kind === 'scheduleRestart')).to.deep.equal([
        { kind: 'scheduleRestart', afterMs: CRASH_PAUSE_MS }, { kind: 'scheduleRestart', afterMs: CRASH_PAUSE_MS },
      ]);
    });
  });

  describe('stop', () => {
    it('from active: stops ticking, cancels restarts, stops the consumer, then saves a final snapshot and closes', () => {
      const stopping = transition(active(), { type: 'stopRequested' }, T0);
      expect(stopping.life.phase).to.equal('stopping');
      expect(kinds(stopping.effects)).to.deep.equal(['stopTicking', 'cancelRestart', 'stopConsumer']);
      const stopped = transition(stopping.life, { type: 'consumerStopped' }, T0);
      expect(stopped.life).to.deep.equal({ phase: 'stopped' });
      expect(stopped.effects).to.deep.equal([{ kind: 'saveSnapshot', memory, position: new Map([['checks:0', 5n]]) }, { kind: 'closeProducers' }]);
    });

    it('stop during a commit: the batch in flight completes and the final snapshot includes it', () => {
      const { life, effects } = run(active({ replayUntil: new Map([['checks:0', 0n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true },
        { type: 'stopRequested' },
        { type: 'committed', key: 'checks:0', last: 6n },
        { type: 'consumerStopped' },
      ]);
      expect(life.phase).to.equal('stopped');
      const final = effects.filter((e) => e.kind === 'saveSnapshot').at(-1) as Extract<Effect<Memory>, { kind: 'saveSnapshot' }>;
      expect(final.position.get('checks:0')).to.equal(7n);
      expect(effects.at(-1)).to.deep.equal({ kind: 'closeProducers' });
    });

    it('stop during a commit that fails: no final snapshot (memory is ahead of what Kafka has)', () => {
      const { life, effects } = run(active({ replayUntil: new Map([['checks:0', 0n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true },
        { type: 'stopRequested' },
        { type: 'commitFailed' },
        { type: 'consumerStopped' },
      ]);
      expect(life.phase).to.equal('stopped');
      expect(kinds(effects)).to.not.include('saveSnapshot');
      expect(kinds(effects)).to.not.include('scheduleRestart');
    });

    it('no new batch starts once stopping', () => {
      const { effects } = run(active(), [{ type: 'stopRequested' }, { type: 'batch', key: 'checks:0', firstOffset: 5n }]);
      expect(kinds(effects)).to.not.include('evaluate');
    });

    it('stop during activation: the late activation neither ticks nor keeps its producer', () => {
      const { life, effects } = run(initialLife, [
        { type: 'assigned', partitions: 1 }, { type: 'stopRequested' }, { type: 'activated', plan: plan(), memory },
      ]);
      expect(life.phase).to.equal('stopping');
      expect(kinds(effects)).to.not.include('startTicking');
      const stopped = run(life, [{ type: 'consumerStopped' }, { type: 'activated', plan: plan(), memory }]);
      expect(stopped.effects).to.deep.equal([{ kind: 'closeProducers' }, { kind: 'closeProducers' }]);
    });

    it('stop during a rebuild cancels the pending restart and saves no snapshot', () => {
      const { life, effects } = run(active({ replayUntil: new Map([['checks:0', 0n]]) }), [
        { type: 'evaluated', key: 'checks:0', last: 6n, wrote: true }, { type: 'commitFailed' },
        { type: 'stopRequested' }, { type: 'restartDue' }, { type: 'restartFailed' }, { type: 'consumerStopped' },
      ]);
      expect(life.phase).to.equal('stopped');
      expect(kinds(effects).slice(3)).to.deep.equal(['stopTicking', 'cancelRestart', 'stopConsumer', 'closeProducers']);
    });

    it('a second stop, and anything after stopped, does nothing', () => {
      const stopping = transition(initialLife, { type: 'stopRequested' }, T0).life;
      expect(transition(stopping, { type: 'stopRequested' }, T0).effects).to.deep.equal([]);
      const stopped = transition(stopping, { type: 'consumerStopped' }, T0);
      expect(stopped.effects).to.deep.equal([{ kind: 'closeProducers' }]);
      for (const event of [{ type: 'assigned', partitions: 1 }, { type: 'batch', key: 'checks:0', firstOffset: 0n }, { type: 'restartDue' }, { type: 'stopRequested' }] as LifeEvent<Memory>[]) {
        expect(transition(stopped.life, event, T0)).to.deep.equal({ life: { phase: 'stopped' }, effects: [] });
      }
    });
  });

  describe('commit policy', () => {
    it('commits output at once and silent progress once the interval has passed', () => {
      expect(commitDue(true, 0, T0, T0)).to.equal(true);
      expect(commitDue(false, 1, T0, T0 + COMMIT_EVERY_MS - 1)).to.equal(false);
      expect(commitDue(false, 1, T0, T0 + COMMIT_EVERY_MS)).to.equal(true);
      expect(commitDue(false, 0, T0, T0 + 60_000)).to.equal(false);
    });

    it('snapshots at most once per interval', () => {
      expect(snapshotDue(0, T0)).to.equal(true);
      expect(snapshotDue(T0, T0 + SNAPSHOT_EVERY_MS - 1)).to.equal(false);
      expect(snapshotDue(T0, T0 + SNAPSHOT_EVERY_MS)).to.equal(true);
    });
  });

  describe('activation plan', () => {
    const assignment = { checks: [0, 1], config: [0] };
    const high = (key: string) => ({ 'checks:0': 40n, 'checks:1': 0n, 'config:0': 7n })[key] ?? 0n;

    it('on the group\'s very first start, what is on the topics is history: read silently and committed with the first commit', () => {
      const p = planActivation(assignment, [], high, new Map([['checks:0', 12n]]), keyOf);
      expect([...p.replayUntil]).to.deep.equal([['checks:0', 40n], ['checks:1', 0n], ['config:0', 7n]]);
      expect([...p.uncommitted]).to.deep.equal([['checks:0', 40n], ['config:0', 7n]]);
      expect([...p.position]).to.deep.equal([['checks:0', 12n], ['checks:1', 0n], ['config:0', 0n]]);
    });

    it('later, a partition without a commit simply had nothing yet: everything on it is news', () => {
      const committed = [{ topic: 'checks', partition: 0, offset: 30n }, { topic: 'checks', partition: 1, offset: null }, { topic: 'config', partition: 0, offset: null }];
      const p = planActivation(assignment, committed, high, new Map(), keyOf);
      expect([...p.replayUntil]).to.deep.equal([['checks:0', 30n], ['checks:1', 0n], ['config:0', 0n]]);
      expect(p.uncommitted.size).to.equal(0);
      expect([...p.position]).to.deep.equal([['checks:0', 0n], ['checks:1', 0n], ['config:0', 0n]]);
    });
  });
});
