import { expect } from 'chai';
import { storable, storableInstant, storableText } from '../../projections/storable.js';

describe('what projections store of an event from elsewhere (projections/storable.ts)', () => {
  it('stores U+0000 and lone surrogates as U+FFFD, and everything else as it came', () => {
    expect(storableText('a\u0000b\u0000')).to.equal('a\ufffdb\ufffd');
    expect(storableText('x\ud800y\udc00')).to.equal('x\ufffdy\ufffd');
    expect(storableText('ok \u{1F600} \r\n é')).to.equal('ok \u{1F600} \r\n é');
    // Called again and again (a stateful global regex would skip every other string).
    expect(['\u0000', '\u0000', '\u0000'].map(storableText)).to.deep.equal(['\ufffd', '\ufffd', '\ufffd']);
  });

  it('walks events deeply, keys included, and leaves clean values untouched (the same object)', () => {
    const event = { type: 'IntegrationConnected', displayName: 'n\u0000', config: { 'k\u0000': ['v\u0000', 1, null, { deep: '\u0000' }], ok: true }, checkIntervalSeconds: 60 };
    expect(storable(event)).to.deep.equal({ type: 'IntegrationConnected', displayName: 'n\ufffd', config: { 'k\ufffd': ['v\ufffd', 1, null, { deep: '\ufffd' }], ok: true }, checkIntervalSeconds: 60 });
    expect(event.displayName).to.equal('n\u0000'); // pure: the input is not changed
    const clean = { a: 'b', c: [1, 'd'], e: { f: null } };
    expect(storable(clean)).to.equal(clean);
    expect(storable([clean])[0]).to.equal(clean);
  });
});

describe('storableInstant', () => {
  it('keeps a time of years 1–9999 as it is and stores one outside as the nearest inside', () => {
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(storableInstant(now)).to.equal(now);
    expect(new Date(storableInstant(Number.MAX_SAFE_INTEGER)).toISOString()).to.equal('9999-12-31T23:59:59.999Z');
    expect(new Date(storableInstant(-Number.MAX_SAFE_INTEGER)).toISOString()).to.equal('0001-01-01T00:00:00.000Z');
  });
});
