import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../platform/config.js';

const valid = {
  KAFKA_BROKERS: 'k1:9092, k2:9092',
  SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7/',
  DATABASE_URL: 'postgres://u@db/pulse',
  JWT_SECRET: 'x'.repeat(40),
  CREDENTIALS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('config', () => {
  it('parses and normalises a valid environment', () => {
    const c = loadConfig(valid);
    expect(c.kafka.brokers).to.deep.equal(['k1:9092', 'k2:9092']);
    expect(c.schemaRegistryUrl).to.equal('http://registry:8081/apis/ccompat/v7');
    expect(c.checks.timeoutMs).to.equal(5000);
    expect(c.checks.defaultIntervalSeconds).to.equal(300);
  });

  it('names the bad variable without echoing a secret value', () => {
    const secret = 'short-secret-value';
    let error: unknown;
    try {
      loadConfig({ ...valid, JWT_SECRET: secret, CHECK_TIMEOUT_MS: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).to.contain('JWT_SECRET').and.contain('CHECK_TIMEOUT_MS');
    expect(message).not.to.contain(secret);
  });
});
