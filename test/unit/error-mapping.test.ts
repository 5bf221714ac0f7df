import { toAppError } from '../../server/shared/http/error-handler';

/** Database errors a client can provoke become clear 4xx answers, never a 500. */
describe('Database errors as answers', () => {
  test.each([
    ['23505', 409, 'conflict.duplicate'],
    ['23503', 409, 'conflict.reference'],
    ['22P02', 400, 'request.invalid_value'],
    ['40001', 409, 'conflict.concurrent_change'],
    ['40P01', 409, 'conflict.concurrent_change'],
  ])('When the database reports %s, then the answer is %i %s', (sqlState, status, code) => {
    const error = toAppError(Object.assign(new Error('from the database'), { code: sqlState }));
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  test('When a query wrapper carries the database error as its cause, then the cause decides the answer', () => {
    const error = toAppError(Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('deadlock detected'), { code: '40P01' }) }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('conflict.concurrent_change');
  });

  test('When an error is unknown, then it is an internal error', () => {
    expect(toAppError(new Error('something else')).status).toBe(500);
  });
});
