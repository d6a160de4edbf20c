// A KafkaJS partition assigner that gives partition N of every subscribed topic to the same
// member. Check workers need that: the worker that owns an integration's lifecycle
// partition must also receive its CheckRequested commands (same key, same partition number,
// same partition count). KafkaJS ships only round-robin, which splits topics independently.
import kafkajs, { type Assigner, type Cluster, type GroupMember } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

/** Pure: partition p → member (sorted ids)[p mod n], the same for every topic. */
export function coPartitionedAssignment(memberIds: string[], partitionsByTopic: Record<string, number[]>): Record<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out: Record<string, Record<string, number[]>> = Object.fromEntries(members.map((m) => [m, {}]));
  for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
    for (const p of partitions) {
      const member = members[p % members.length] as string;
      ((out[member] as Record<string, number[]>)[topic] ??= []).push(p);
    }
  }
  return out;
}

export const coPartitionedAssigner = ({ cluster }: { cluster: Cluster }): Assigner => ({
  name: 'CoPartitioned',
  version: 1,
  async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
    const partitionsByTopic = Object.fromEntries(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]));
    const plan = coPartitionedAssignment(members.map((m) => m.memberId), partitionsByTopic);
    return Object.entries(plan).map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }: { topics: string[] }) {
    return { name: 'CoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
