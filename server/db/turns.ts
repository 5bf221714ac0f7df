/**
 * Turns for the embedded database. Its statements run in this process, one at a time, and each
 * hands over to the next through a promise: a queue of them drains without the event loop ever
 * turning, so under load no connection is accepted and no request is read until the queue is
 * empty. Node accepts one waiting connection per turn, so fifty browsers connecting at once
 * waited up to ten seconds for turns of half a second each.
 *
 * Here statements take turns: they still run one at a time and in the order they came, but once
 * the statements of one turn have taken `budgetMs`, the next waits for the event loop's next
 * turn, in which connections are accepted and requests read.
 */
export type Turns = {
  /** Runs `work` when it is its turn; nothing else passed here runs until it has finished. */
  run<T>(work: () => Promise<T>): Promise<T>;
};

export function createTurns(budgetMs: number): Turns {
  const waiting: (() => void)[] = [];
  let busy = false;
  let turnStarted = 0;

  function next(): void {
    const start = waiting.shift();
    busy = start !== undefined;
    start?.();
  }

  function finished(): void {
    if (performance.now() - turnStarted < budgetMs) {
      next();
      return;
    }
    setImmediate(() => {
      turnStarted = performance.now();
      next();
    });
  }

  return {
    async run(work) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!busy) {
          turnStarted = performance.now();
          next();
        }
      });
      try {
        return await work();
      } finally {
        finished();
      }
    },
  };
}
