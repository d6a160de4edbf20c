import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// KafkaJS is in maintenance mode: it stays behind platform/kafka.ts and its parts in
// platform/kafka/, so swapping the client is a change of those files alone. (Tests and the
// stack's own probe in deploy/ may use it directly.)
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const appFolders = ['alerting', 'api', 'bench', 'cli', 'consumers', 'health', 'platform', 'producers', 'projections', 'schemas', 'simulator'];
const sources = appFolders
  .filter((folder) => existsSync(path.join(root, folder)))
  .flatMap((folder) => readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).map((f) => path.join(folder, f)))
  .filter((f) => f.endsWith('.ts'))
  .map((file) => ({ file: file.split(path.sep).join('/'), text: readFileSync(path.join(root, file), 'utf8') }));
const importsKafkajs = (text: string) => /(?:from\s+|import\s*\(?\s*)['"]kafkajs['"]/.test(text);

describe('the Kafka boundary', () => {
  it('finds the Kafka client among the sources it checks', () => {
    expect(sources.filter((s) => importsKafkajs(s.text)).map((s) => s.file)).to.include('platform/kafka/consumer.ts');
  });

  it('lets only platform/kafka.ts and platform/kafka/ import KafkaJS', () => {
    const outside = sources.filter((s) => importsKafkajs(s.text) && !(s.file === 'platform/kafka.ts' || s.file.startsWith('platform/kafka/')));
    expect(outside.map((s) => s.file)).to.deep.equal([]);
  });

  it('keeps the restart policy pure: it imports nothing and reads no clock', () => {
    const policy = sources.find((s) => s.file === 'platform/kafka/restartPolicy.ts')!;
    expect(policy.text).not.to.match(/^\s*import\s/m);
    expect(policy.text).not.to.match(/Date\.now\(|new Date\(|setTimeout|Math\.random\(|process\./);
  });
});
