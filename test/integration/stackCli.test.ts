// `npm run stack:up | stack:status` as a developer runs them, against the stack this run uses.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../platform/config.js';

function stackCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'deploy', 'stack', 'cli.ts'), ...args], { cwd: projectRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the stack CLI', function () {
  this.timeout(120_000);

  it('says how to use it, and refuses an unknown command with the usage', async () => {
    const help = await stackCli(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('npm run stack:up | stack:down | stack:status');
    const unknown = await stackCli(['upp']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('Unknown command: upp').and.include('Usage:');
  });

  it('reports every service up, as text and as JSON', async () => {
    const text = await stackCli(['status']);
    expect(text.code, text.stdout + text.stderr).to.equal(0);
    for (const service of ['postgres', 'kafka', 'registry']) expect(text.stdout).to.match(new RegExp(`^${service} +up `, 'm'));
    const json = await stackCli(['status', '--json']);
    const rows = JSON.parse(json.stdout) as { service: string; up: boolean }[];
    expect(rows.map((r) => [r.service, r.up])).to.have.deep.members([['postgres', true], ['kafka', true], ['registry', true]]);
  });

  it('reuses what already runs when asked to come up, and prints the addresses', async () => {
    const up = await stackCli(['up', '--quiet', '--json']);
    expect(up.code, up.stderr).to.equal(0);
    const info = JSON.parse(up.stdout) as { kafkaBrokers: string[]; schemaRegistryUrl: string; databaseUrl: string };
    expect(info.kafkaBrokers).to.have.length.greaterThan(0);
    expect(info.schemaRegistryUrl).to.match(/\/apis\/ccompat\/v7$/);
    expect(info.databaseUrl).to.match(/^postgres(ql)?:\/\//);
    const plain = await stackCli(['up']);
    expect(plain.stdout).to.match(/^Stack up in [\d.]+s$/m).and.include('registry');
  });
});
