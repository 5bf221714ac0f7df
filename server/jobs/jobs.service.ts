import type { Database } from '../db/client';
import type { JobsRepository, NewJob } from './jobs.repository';
import type { JobRow } from './jobs.table';

/** Queues work and reads its state; the runner (job-runner.ts) does the work. */
export function createJobQueue(deps: { db: Database; repository: JobsRepository }) {
  return {
    /** Pass the transaction of the change that asks for the work, so the job exists exactly when the change does. */
    enqueue(job: NewJob, db: Database = deps.db): Promise<JobRow> {
      return deps.repository.insert(db, job);
    },
    find(id: string): Promise<JobRow | null> {
      return deps.repository.find(deps.db, id);
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
