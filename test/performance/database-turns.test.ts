import { sql } from 'drizzle-orm';
import { createTurns } from '../../server/db/turns';
import { createTestDatabase } from '../helpers/database';

/** Keeps the CPU busy for `ms`, as a statement of the embedded database does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('turns', () => {
  test('When many pieces of work queue at once, then they run one at a time in the order they came, and the event loop turns while they drain', async () => {
    const turns = createTurns(5);
    const order: number[] = [];
    let running = 0;
    let overlapped = false;
    let doneWhenTheLoopTurned: number | null = null;
    setImmediate(() => (doneWhenTheLoopTurned = order.length));
    await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        turns.run(async () => {
          running += 1;
          overlapped ||= running > 1;
          busy(1);
          await Promise.resolve();
          running -= 1;
          order.push(n);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect(overlapped).toBe(false);
    // 60 pieces of 1 ms in turns of 5 ms: the loop turned after the first few, long before the last.
    expect(doneWhenTheLoopTurned).toBeGreaterThan(0);
    expect(doneWhenTheLoopTurned).toBeLessThan(30);
  });

  test('When a piece of work fails, then its caller gets the error and the queue goes on', async () => {
    const turns = createTurns(5);
    const results = await Promise.allSettled([turns.run(async () => 1), turns.run(() => Promise.reject(new Error('feil i spørringen'))), turns.run(async () => 3)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('feil i spørringen') },
      { status: 'fulfilled', value: 3 },
    ]);
  });
});

const embedded = process.env.DATABASE_URL ? describe.skip : describe;

embedded('the embedded database under a queue of statements', () => {
  test('When hundreds of statements are sent at once, then each gets its own answer and the event loop turns before the last is answered, so connections are accepted and requests read meanwhile', async () => {
    const { database, drop } = await createTestDatabase();
    try {
      let answered = 0;
      let answeredWhenTheLoopTurned: number | null = null;
      const statements = Array.from({ length: 300 }, (_, n) =>
        database.db.execute(sql`select ${n}::int as n`).then((result) => {
          answered += 1;
          return (result as unknown as { rows: { n: number }[] }).rows[0]?.n;
        }),
      );
      setImmediate(() => (answeredWhenTheLoopTurned = answered));
      expect(await Promise.all(statements)).toEqual(Array.from({ length: 300 }, (_, n) => n));
      expect(answeredWhenTheLoopTurned).not.toBeNull();
      expect(answeredWhenTheLoopTurned).toBeLessThan(300);
    } finally {
      await drop();
    }
  });
});
