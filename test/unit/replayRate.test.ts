import { expect } from 'chai';
import { replayRate } from '../../consumers/replay.js';

describe('replay progress', () => {
  it('reports events per second and the time left', () => {
    expect(replayRate(30_000, 90_000, 2_000)).to.deep.equal({ eventsPerSecond: 15_000, etaSeconds: 4 });
  });

  it('has no ETA before anything is done, and zero when all is done', () => {
    expect(replayRate(0, 1_000, 0)).to.deep.equal({ eventsPerSecond: 0, etaSeconds: null });
    expect(replayRate(0, 0, 10)).to.deep.equal({ eventsPerSecond: 0, etaSeconds: 0 });
  });
});
