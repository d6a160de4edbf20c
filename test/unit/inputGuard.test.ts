import { expect } from 'chai';
import { HttpError } from '../../api/errors.js';
import { inputRuleViolation, isLineBound, maxDepth, printableKey, unsafeFields } from '../../api/inputGuard.js';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

describe('input rules (api/inputGuard.ts)', () => {
  it('finds a NUL in any string, at any depth, in arrays, and names the field like zod does', () => {
    expect(unsafeFields({ displayName: 'a\u0000b' })).to.deep.equal([{ field: 'displayName', message: 'must not contain NUL (U+0000)' }]);
    expect(unsafeFields({ config: { headers: { 'X-A': '\u0000' } } })[0]?.field).to.equal('config.headers.X-A');
    expect(unsafeFields({ channels: [{ type: 'email', to: ['ok@example.test', 'b\u0000@example.test'] }] })[0]?.field).to.equal('channels.0.to.1');
    expect(unsafeFields({ note: '\u0000' })[0]?.field).to.equal('note');
    expect(unsafeFields(['x', '\u0000'])[0]?.field).to.equal('1');
    expect(unsafeFields('\u0000')).to.deep.equal([{ field: '', message: 'must not contain NUL (U+0000)' }]);
  });

  it('finds a NUL in an object key and names it without echoing the raw byte', () => {
    const [bad] = unsafeFields({ config: { 'we\u0000ird': 1 } });
    expect(bad).to.deep.equal({ field: 'config.we\\u0000ird', message: 'the name must not contain NUL (U+0000)' });
    expect(bad!.field).not.to.contain('\u0000');
  });

  it('refuses lone surrogates (they cannot be stored as they were sent) but takes any real Unicode', () => {
    expect(unsafeFields({ displayName: 'a\ud800b' })[0]?.message).to.match(/lone surrogate/);
    expect(unsafeFields({ displayName: 'ok \u{1F600} é 中文 \ufffd \u200b' })).to.deep.equal([]);
  });

  it('refuses CR/LF only where the value becomes a URL, an e-mail address or a header', () => {
    expect(unsafeFields({ config: { url: 'https://example.test/\r\nX-Evil: 1' } })).to.deep.equal([{ field: 'config.url', message: 'must not contain a line break (CR or LF)' }]);
    expect(unsafeFields({ config: { headers: { 'X-A': 'v\nX-Injected: 1' } } })[0]?.field).to.equal('config.headers.X-A');
    expect(unsafeFields({ config: { headers: { 'X-A\r\nHost': 'v' } } })[0]).to.deep.equal({ field: 'config.headers.X-A\\u000d\\u000aHost', message: 'the name must not contain a line break (CR or LF)' });
    expect(unsafeFields({ url: 'https://a.test/\n' })[0]?.field).to.equal('url');
    expect(unsafeFields({ email: 'a@b.test\r\nBcc: c@d.test' })[0]?.field).to.equal('email');
    expect(unsafeFields({ channel: { type: 'email', to: ['a@b.test\n'] } })[0]?.field).to.equal('channel.to.0');
    expect(unsafeFields({ redirectUrl: 'x\r' })[0]?.field).to.equal('redirectUrl');
    // Free text may span lines: a note, a reason, a name.
    expect(unsafeFields({ note: 'line one\r\nline two', reason: 'a\nb', displayName: 'two\nlines' })).to.deep.equal([]);
  });

  it('knows which paths are line-bound', () => {
    expect(isLineBound(['config', 'url'])).to.equal(true);
    expect(isLineBound(['config', 'headers', 'X-A'])).to.equal(true);
    expect(isLineBound(['config', 'headers'])).to.equal(false);
    expect(isLineBound(['channels', 0, 'to', 3])).to.equal(true);
    expect(isLineBound(['name'])).to.equal(false);
    expect(isLineBound([])).to.equal(false);
  });

  it('refuses nesting deeper than the limit with the path where it gave up, and walks no further', () => {
    expect(unsafeFields(nested(maxDepth))).to.deep.equal([]);
    const [bad] = unsafeFields(nested(maxDepth + 1000));
    expect(bad?.message).to.match(/nested too deeply/);
    expect(bad?.field.split('.')).to.have.length(maxDepth);
  });

  it('lists several bad fields, at most ten', () => {
    const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, '\u0000']));
    const found = unsafeFields(body);
    expect(found).to.have.length(10);
    expect(found[0]?.field).to.equal('f0');
  });

  it('ignores what is not a string: numbers, booleans, null', () => {
    expect(unsafeFields({ a: 1, b: true, c: null, d: [1, 2, { e: false }] })).to.deep.equal([]);
    expect(unsafeFields(undefined)).to.deep.equal([]);
  });

  it('escapes and shortens keys for answers', () => {
    expect(printableKey('a\u0000\u001f\u007f')).to.equal('a\\u0000\\u001f\\u007f');
    expect(printableKey('k'.repeat(500))).to.have.length(64);
  });

  it('answers the first offending part (path, query, body) as a validation_failed 400', () => {
    const err = inputRuleViolation({ path: { id: 'x' }, query: { actor: 'a\u0000' }, body: { displayName: '\u0000' } });
    expect(err).to.be.instanceOf(HttpError);
    expect(err).to.include({ status: 400, code: 'validation_failed', message: 'invalid query: actor' });
    expect(err!.fields).to.deep.equal({ actor: 'must not contain NUL (U+0000)' });
    expect(inputRuleViolation({ path: { id: 'a\u0000' } })!.fields).to.deep.equal({ id: 'must not contain NUL (U+0000)' });
    expect(inputRuleViolation({ body: '\u0000' })!.fields).to.deep.equal({ body: 'must not contain NUL (U+0000)' });
    expect(inputRuleViolation({ path: {}, query: {}, body: { ok: 'fine' } })).to.equal(null);
    // Names a prototype's property would shadow are fields like any other.
    expect(JSON.stringify(inputRuleViolation({ query: { constructor: '\u0000' } })!.fields)).to.equal('{"constructor":"must not contain NUL (U+0000)"}');
    expect(JSON.stringify(inputRuleViolation({ body: JSON.parse('{"__proto__":"\\u0000"}') })!.fields)).to.equal('{"__proto__":"must not contain NUL (U+0000)"}');
  });
});
