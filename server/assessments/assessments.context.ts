import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { RequirementType } from '../library/library.codes';
import type { LibraryRepository } from '../library/library.repository';
import { createAssessmentsAccess } from './assessments.access';
import { createCellReader, type LibraryTexts } from './assessments.cells';
import type { AssessmentsRepository, EvidenceMeta } from './assessments.repository';
import type { AnswerRow } from './assessments.table';

export type TenderItemsSource = (actor: Actor, tenderId: string) => Promise<{ key: string; libraryVersion: string; type: RequirementType; weight: number }[]>;

/**
 * Called in the transaction that stores evidence on an answer, so that work the files ask for
 * (a machine check) is queued exactly when they are stored. Answers the id of that work, if any.
 */
export type EvidenceAddedHook = (tx: Database, input: { actor: Actor; answer: AnswerRow; organisationId: string; evidence: EvidenceMeta[] }, context: AuditContext) => Promise<{ id: string } | null>;

export type AssessmentsServiceDeps = {
  db: Database;
  assessmentsRepository: AssessmentsRepository;
  libraryRepository: LibraryRepository;
  auditRepository: AuditRepository;
  /** The library items of a tender the actor may see, for profiles made from a tender's set. */
  tenderItems: TenderItemsSource;
  verificationValidMonths: number;
  /** The library versions' titles, as the library's cache holds them. */
  libraryTexts: LibraryTexts;
  evidenceAdded?: EvidenceAddedHook;
  now?: () => Date;
};

/**
 * What each of the feature's use cases (profiles, answers, verification, comparison) is built
 * from: the repositories, the clock, the lookups that enforce access, and the cell reader.
 */
export function createAssessmentsContext(deps: AssessmentsServiceDeps) {
  const { db, assessmentsRepository: repo, libraryRepository: library, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const today = () => now().toISOString().slice(0, 10);
  return {
    db,
    repo,
    library,
    audit,
    tenderItems: deps.tenderItems,
    evidenceAdded: deps.evidenceAdded ?? (async () => null),
    verificationValidMonths: deps.verificationValidMonths,
    now,
    today,
    access: createAssessmentsAccess({ db, repo }),
    cells: createCellReader({ db, repo, libraryTexts: deps.libraryTexts, now, today }),

    /** Does a change and writes its audit entry in one transaction. */
    audited<T>(context: AuditContext, entry: Parameters<AuditRepository['record']>[2], work: (tx: Database) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        const result = await work(tx);
        await audit.record(tx, context, entry);
        return result;
      });
    },
  };
}

export type AssessmentsContext = ReturnType<typeof createAssessmentsContext>;
