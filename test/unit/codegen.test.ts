import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { generatedFile, generateTypes } from '../../schemas/codegen.js';

describe('event types', () => {
  it('are in step with the Avro schemas (run `npm run schemas:generate` after a schema change)', () => {
    expect(readFileSync(generatedFile, 'utf8')).to.equal(generateTypes());
  });
});
