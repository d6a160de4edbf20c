// Which database errors the projector waits out (pause, reconnect, retry the batch) and which
// dead-letter a record: only the server's verdict on a statement can condemn the data.
import { expect } from 'chai';
import pg from 'pg';
import { isTransientDbError } from '../../platform/db.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** What the server sends back about a statement: an ErrorResponse with a SQLSTATE. */
const serverSaid = (code: string) => Object.assign(new pg.DatabaseError('the server said no', 0, 'error'), { code });

describe('isTransientDbError', () => {
  it('waits out a connection that is lost, refused, reset or timed out (no SQLSTATE)', () => {
    expect(isTransientDbError(new Error('Connection terminated unexpectedly'))).to.equal(true);
    expect(isTransientDbError(new Error('Connection terminated due to connection timeout'))).to.equal(true);
    expect(isTransientDbError(new Error('timeout exceeded when trying to connect'))).to.equal(true);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']) {
      expect(isTransientDbError(withCode(`connect ${code} 127.0.0.1:5432`, code)), code).to.equal(true);
    }
  });

  it('waits out the server saying "not now": shutdown, deadlock, serialization, lock timeout, resources', () => {
    for (const code of ['57P01', '57P03', '40001', '40P01', '55P03', '53300', '08006', '58030']) {
      expect(isTransientDbError(serverSaid(code)), code).to.equal(true);
    }
  });

  it('condemns data the server rejected: bad value, constraint, unknown column', () => {
    for (const code of ['22021', '22P02', '23505', '23502', '42703', 'XX001']) {
      expect(isTransientDbError(serverSaid(code)), code).to.equal(false);
    }
  });

  it('does not retry programming errors or things that are not errors', () => {
    expect(isTransientDbError(new TypeError('Cannot read properties of undefined'))).to.equal(false);
    expect(isTransientDbError(new RangeError('Invalid time value'))).to.equal(false);
    expect(isTransientDbError('boom')).to.equal(false);
    expect(isTransientDbError(undefined)).to.equal(false);
  });
});
