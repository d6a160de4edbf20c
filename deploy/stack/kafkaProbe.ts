// The only file of the stack that talks the Kafka protocol: "does the broker answer?"
import kafkajs from 'kafkajs';

/** True when the broker accepts a connection and answers a metadata request (listTopics). */
export async function kafkaAnswers(broker: string, timeoutMs = 3000): Promise<boolean> {
  const kafka = new kafkajs.Kafka({
    clientId: 'pulse-stack-probe',
    brokers: [broker],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
