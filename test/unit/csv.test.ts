import { expect } from 'chai';
import { csvField } from '../../api/adminMetricsQueries.js';

describe('CSV fields', () => {
  it('quotes what needs quoting and leaves the rest alone', () => {
    expect(csvField('plain')).to.equal('plain');
    expect(csvField('a, "b"')).to.equal('"a, ""b"""');
    expect(csvField(null)).to.equal('');
    expect(csvField(42)).to.equal('42');
  });

  it('defuses spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@cmd')).to.equal(`'@cmd`);
  });
});
