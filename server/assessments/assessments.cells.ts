import type { Database } from '../db/client';
import { renderTitles } from '../library/clause-template';
import type { LocalisedText } from '../library/library.schemas';
import type { LibraryVersionRow } from '../library/library.table';
import { profileNotFound } from './assessments.errors';
import type { AssessmentsRepository, ProductListRow } from './assessments.repository';
import type { AnswerStatus, AssessmentProfileRow, AssessmentProfileVersionRow, ProfileItem } from './assessments.table';
import { scoreProduct, type ProductScore, type Verdict } from './scoring';
import { isLapsed, reviewState, type VerificationState } from './verification-state';

export const majorOf = (version: string): number => Number(version.split('.')[0]);

/** One requirement of one product version as a comparison shows it. */
export type Cell = {
  key: string;
  major: number;
  answerId: string | null;
  status: AnswerStatus | null;
  verification: VerificationState | null;
  /** The vendor's valid-until date has passed: the answer no longer counts. */
  lapsed: boolean;
  /** What the claimed and the verified score count for this item. */
  claimed: AnswerStatus | null;
  verified: AnswerStatus | null;
  /** Where the answer stands with the council; the matrix colour and marker follow it, never the claim alone. */
  verdict: Verdict;
};

/**
 * The council's verdict on a cell: a lapsed answer (the vendor's valid-until date passed) is
 * expired like an acceptance that ran out; an answer never reviewed, changed since its review or
 * asked to change is pending.
 */
export function verdictOf(status: AnswerStatus | null, verification: VerificationState | null, lapsed: boolean): Verdict {
  if (status === null) return 'unanswered';
  if (lapsed || verification === 'expired') return 'expired';
  if (verification === 'verified') return 'accepted';
  if (verification === 'rejected') return 'rejected';
  return 'pending';
}

export type ProfileItemView = ProfileItem & { major: number; title: LocalisedText; kind: LibraryVersionRow['kind'] | null; category: LibraryVersionRow['category'] | null };

/** What the profile's pages show of the library versions its items name (see the library repository's `versionTexts`). */
export type LibraryTexts = (pairs: { key: string; version: string }[]) => Promise<readonly Pick<LibraryVersionRow, 'key' | 'version' | 'title' | 'parameters' | 'kind' | 'category'>[]>;

export type ComparisonRow = ProductListRow & { cells: Cell[]; score: ProductScore };

/** Every product at once, for the ranking, the exports and the register, which score all that match. */
export const ALL_PRODUCTS = { limit: 100_000, offset: 0 };

const emptyCell = (key: string, major: number): Cell => ({ key, major, answerId: null, status: null, verification: null, lapsed: false, claimed: null, verified: null, verdict: 'unanswered' });

/**
 * Reads what every view of answers against a profile needs: the profile's items with their
 * library titles, and the cells and scores of product versions against those items.
 */
export function createCellReader(deps: { db: Database; repo: AssessmentsRepository; libraryTexts: LibraryTexts; now: () => Date; today: () => string }) {
  const { db, repo, now, today } = deps;

  async function profileVersionOf(profile: AssessmentProfileRow, version?: number): Promise<AssessmentProfileVersionRow> {
    const row = await repo.profileVersion(db, profile.id, version ?? profile.currentVersion);
    if (!row) throw profileNotFound();
    return row;
  }

  async function itemViews(items: ProfileItem[]): Promise<ProfileItemView[]> {
    const rows = new Map((await deps.libraryTexts(items.map((i) => ({ key: i.key, version: i.libraryVersion })))).map((r) => [`${r.key}@${r.version}`, r]));
    return items.map((item) => {
      const row = rows.get(`${item.key}@${item.libraryVersion}`);
      return { ...item, major: majorOf(item.libraryVersion), title: row ? renderTitles(row) : { nb: item.key, en: item.key }, kind: row?.kind ?? null, category: row?.category ?? null };
    });
  }

  /** The cells of every product version for the given items: two queries whatever the size. */
  async function cellsFor(items: ProfileItem[], versionIds: string[]): Promise<Map<string, Cell[]>> {
    const columns = items.map((item) => {
      const major = majorOf(item.libraryVersion);
      return { key: item.key, major, thread: `${item.key}|${major}` };
    });
    // Looked up by product version, then by `key|major`: a matrix has tens of thousands of cells.
    const threadsByVersion = await repo.matrixThreads(db, versionIds, new Set(columns.map((c) => c.thread)));
    const moment = now().getTime();
    const date = today();
    const cells = new Map<string, Cell[]>();
    for (const versionId of versionIds) {
      const threads = threadsByVersion.get(versionId);
      cells.set(
        versionId,
        columns.map(({ key, major, thread }) => {
          const found = threads?.get(thread);
          if (!found) return emptyCell(key, major);
          const { answer, review } = found;
          const verification = reviewState(review, moment);
          const lapsed = isLapsed(answer.validUntil, date);
          const verdict = verdictOf(answer.status, verification, lapsed);
          return { key, major, answerId: answer.id, status: answer.status, verification, lapsed, claimed: lapsed ? null : answer.status, verified: verdict === 'accepted' ? answer.status : null, verdict };
        }),
      );
    }
    return cells;
  }

  function scoreOf(items: ProfileItem[], cells: Cell[]): ProductScore {
    return scoreProduct(items.map((item, n) => ({ key: item.key, type: item.type, weight: item.weight, status: cells[n]?.status ?? null, lapsed: cells[n]?.lapsed ?? false, verdict: cells[n]?.verdict ?? 'unanswered' })));
  }

  async function rowsWithScores(items: ProfileItem[], rows: ProductListRow[]): Promise<ComparisonRow[]> {
    const cells = await cellsFor(items, rows.map((r) => r.versionId).filter((id): id is string => id !== null));
    return rows.map((row) => {
      const own = row.versionId ? (cells.get(row.versionId) ?? []) : items.map((i) => emptyCell(i.key, majorOf(i.libraryVersion)));
      return { ...row, cells: own, score: scoreOf(items, own) };
    });
  }

  return { profileVersionOf, itemViews, cellsFor, scoreOf, rowsWithScores };
}
