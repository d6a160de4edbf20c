// KafkaJS's message shape → ours (offsets as bigint, headers as strings), for reader and consumer alike.
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { IncomingRecord } from '../kafka.js';

export function incomingRecord(topic: string, partition: number, m: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: BigInt(m.offset),
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: headersToStrings(m.headers),
    timestamp: Number(m.timestamp),
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}
