// A KafkaJS partition assigner that gives every partition of every subscribed topic to one
// member (the first by member id); the others are hot standbys. The alert evaluator needs
// that: provider-wide rules (failure rate, incidents) look across all integrations, so one
// process must see every partition — and Kafka's group, not a lock of ours, decides which.
import kafkajs, { type Assigner, type Cluster, type GroupMember } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

/** Pure: everything to the first member id in sort order, nothing to the rest. */
export function singleActiveAssignment(memberIds: string[], partitionsByTopic: Record<string, number[]>): Record<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out: Record<string, Record<string, number[]>> = Object.fromEntries(members.map((m) => [m, {}]));
  const active = members[0];
  if (active !== undefined) out[active] = Object.fromEntries(Object.entries(partitionsByTopic).map(([t, ps]) => [t, [...ps]]));
  return out;
}

export const singleActiveAssigner = ({ cluster }: { cluster: Cluster }): Assigner => ({
  name: 'SingleActive',
  version: 1,
  async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
    const partitionsByTopic = Object.fromEntries(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]));
    const plan = singleActiveAssignment(members.map((m) => m.memberId), partitionsByTopic);
    return Object.entries(plan).map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }: { topics: string[] }) {
    return { name: 'SingleActive', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
