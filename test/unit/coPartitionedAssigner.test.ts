import { expect } from 'chai';
import { coPartitionedAssignment } from '../../platform/kafka/coPartitionedAssigner.js';

describe('co-partitioned assignment', () => {
  it('gives partition N of every topic to the same member, spread over all members', () => {
    const plan = coPartitionedAssignment(['b', 'a'], { lifecycle: [0, 1, 2, 3, 4, 5], commands: [0, 1, 2, 3, 4, 5] });
    expect(plan).to.deep.equal({
      a: { lifecycle: [0, 2, 4], commands: [0, 2, 4] },
      b: { lifecycle: [1, 3, 5], commands: [1, 3, 5] },
    });
  });

  it('gives everything to a lone member', () => {
    expect(coPartitionedAssignment(['only'], { t: [0, 1, 2] })).to.deep.equal({ only: { t: [0, 1, 2] } });
  });
});
