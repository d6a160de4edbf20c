import { expect } from 'chai';
import { CRASH_PAUSE_MS, REBUILD_PAUSE_MS, whenToRestart } from '../../platform/kafka/restartPolicy.js';

describe('restart policy for long-running Kafka roles', () => {
  it('restarts a crashed consumer after a pause, and keeps trying at that pace however often a start fails', () => {
    for (const attempt of [1, 2, 10, 10_000]) {
      expect(whenToRestart({ cause: 'crashed', attempt, stopping: false })).to.deep.equal({ restart: true, afterMs: CRASH_PAUSE_MS });
    }
    expect(CRASH_PAUSE_MS).to.equal(2_000);
  });

  it('rebuilds a role that discarded its state sooner, but waits like a crash once that start has failed', () => {
    expect(whenToRestart({ cause: 'rebuild', attempt: 1, stopping: false })).to.deep.equal({ restart: true, afterMs: REBUILD_PAUSE_MS });
    expect(REBUILD_PAUSE_MS).to.be.below(CRASH_PAUSE_MS);
    expect(whenToRestart({ cause: 'rebuild', attempt: 2, stopping: false })).to.deep.equal({ restart: true, afterMs: CRASH_PAUSE_MS });
  });

  it('gives up only when the role is stopping, whatever went wrong', () => {
    for (const cause of ['crashed', 'rebuild'] as const) {
      for (const attempt of [1, 5]) expect(whenToRestart({ cause, attempt, stopping: true })).to.deep.equal({ restart: false, reason: 'stopping' });
    }
  });
});
