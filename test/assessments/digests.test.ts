import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { answerDigests, answers, verifications, type AnswerStatus, type VerificationDecision } from '../../server/assessments/assessments.table';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { productVersions } from '../../server/vendors/vendors.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation } from '../helpers/factories';
import { buildProduct } from './fixtures';

/**
 * The comparison matrix reads `answer_digests`, which triggers keep up to date. Whatever is
 * written to answers and verifications, in any order and by any path, the digest of every
 * product version must equal what the tables themselves say.
 */

let ctx: TestContext;
let council: OrganisationRow;
let vendor: OrganisationRow;

beforeAll(async () => {
  ctx = await createTestApp();
  council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Digestrådet' });
  vendor = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Digest Systemer AS' });
});
afterAll(() => ctx.close());

const KEYS = ['EXP-001', 'API-001', 'DOC-002'];
const STATUSES: AnswerStatus[] = ['meets', 'partly', 'does_not_meet', 'not_applicable'];
const DECISIONS: VerificationDecision[] = ['accepted', 'rejected', 'change_requested'];

/** The digest entries of every product version, computed from the tables as the matrix defines them. */
async function expectedDigests(versionIds: string[]): Promise<Map<string, string[]>> {
  const { db } = ctx.services.database;
  const allAnswers = await db.select().from(answers).where(inArray(answers.productVersionId, versionIds));
  const allReviews = await db.select().from(verifications).where(inArray(verifications.answerId, allAnswers.length > 0 ? allAnswers.map((a) => a.id) : [randomUUID()]));
  const expected = new Map<string, string[]>();
  for (const answer of allAnswers.filter((a) => a.isCurrent)) {
    const thread = allAnswers.filter((a) => a.productVersionId === answer.productVersionId && a.libraryKey === answer.libraryKey && a.libraryMajor === answer.libraryMajor).map((a) => a.id);
    const newest = allReviews
      .filter((v) => thread.includes(v.answerId))
      .sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime() || (b.id > a.id ? 1 : -1))[0];
    const fields = [`${answer.libraryKey}|${answer.libraryMajor}`, answer.id, answer.status, answer.validUntil ?? ''];
    if (newest) fields.push(newest.decision, String(newest.expiresAt.getTime()), newest.answerId === answer.id ? '1' : '0');
    expected.set(answer.productVersionId, [...(expected.get(answer.productVersionId) ?? []), fields.join(',')]);
  }
  for (const entries of expected.values()) entries.sort();
  return expected;
}

async function storedDigests(versionIds: string[]): Promise<Map<string, string[]>> {
  const rows = await ctx.services.database.db.select().from(answerDigests).where(inArray(answerDigests.productVersionId, versionIds));
  return new Map(rows.map((row) => [row.productVersionId, row.threads.split(';').sort()]));
}

type Operation =
  | { op: 'answer'; version: number; key: number; status: number; validUntil: boolean }
  | { op: 'revise'; version: number; key: number; status: number }
  | { op: 'review'; version: number; key: number; decision: number; daysAgo: number; expiresInDays: number }
  | { op: 'withdrawReview'; version: number; key: number }
  | { op: 'moveExpiry'; version: number; key: number; days: number }
  | { op: 'editStatus'; version: number; key: number; status: number }
  | { op: 'deleteThread'; version: number; key: number }
  | { op: 'deleteVersion'; version: number };

// Two versions and two keys, so that the operations meet on the same threads often.
const version = fc.nat(1);
const key = fc.nat(1);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), version, key, status: fc.nat(3), validUntil: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('revise' as const), version, key, status: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('review' as const), version, key, decision: fc.nat(2), daysAgo: fc.nat(400), expiresInDays: fc.integer({ min: -30, max: 400 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('withdrawReview' as const), version, key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('moveExpiry' as const), version, key, days: fc.integer({ min: -400, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('editStatus' as const), version, key, status: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteThread' as const), version, key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteVersion' as const), version }) },
);

const DAY = 24 * 3600 * 1000;

async function apply(versionIds: string[], step: Operation): Promise<void> {
  const { db } = ctx.services.database;
  const productVersionId = versionIds[step.version] as string;
  if (step.op === 'deleteVersion') {
    await db.delete(productVersions).where(eq(productVersions.id, productVersionId));
    return;
  }
  const key = KEYS[step.key] as string;
  const thread = and(eq(answers.productVersionId, productVersionId), eq(answers.libraryKey, key), eq(answers.libraryMajor, 1));
  const [current] = await db.select().from(answers).where(and(thread, eq(answers.isCurrent, true)));
  switch (step.op) {
    case 'answer':
      if (current) return;
      if ((await db.select({ id: productVersions.id }).from(productVersions).where(eq(productVersions.id, productVersionId))).length === 0) return;
      await db.insert(answers).values({ productVersionId, libraryKey: key, libraryMajor: 1, status: STATUSES[step.status] as AnswerStatus, validUntil: step.validUntil ? '2027-06-30' : null });
      return;
    case 'revise':
      if (!current) return;
      // As the service revises: in one transaction, the old row stops being current and a new one is.
      await db.transaction(async (tx) => {
        await tx.update(answers).set({ isCurrent: false }).where(eq(answers.id, current.id));
        await tx.insert(answers).values({ productVersionId, libraryKey: key, libraryMajor: 1, status: STATUSES[step.status] as AnswerStatus, revision: current.revision + 1 });
      });
      return;
    case 'review': {
      if (!current) return;
      const decidedAt = new Date(Date.UTC(2026, 5, 1) - step.daysAgo * DAY);
      await db.insert(verifications).values({ answerId: current.id, assessorOrganisationId: council.id, decision: DECISIONS[step.decision] as VerificationDecision, decidedAt, expiresAt: new Date(decidedAt.getTime() + step.expiresInDays * DAY) });
      return;
    }
    case 'withdrawReview': {
      if (!current) return;
      const [review] = await db.select().from(verifications).where(eq(verifications.answerId, current.id));
      if (review) await db.delete(verifications).where(eq(verifications.id, review.id));
      return;
    }
    case 'moveExpiry': {
      // The thread's newest review, which is the one the digest shows.
      const threadAnswers = await db.select({ id: answers.id }).from(answers).where(thread);
      if (threadAnswers.length === 0) return;
      const [review] = await db
        .select()
        .from(verifications)
        .where(inArray(verifications.answerId, threadAnswers.map((a) => a.id)))
        .orderBy(desc(verifications.decidedAt), desc(verifications.id))
        .limit(1);
      if (review) await db.update(verifications).set({ expiresAt: new Date(review.expiresAt.getTime() + step.days * DAY) }).where(eq(verifications.id, review.id));
      return;
    }
    case 'editStatus':
      if (current) await db.update(answers).set({ status: STATUSES[step.status] as AnswerStatus }).where(eq(answers.id, current.id));
      return;
    case 'deleteThread':
      await db.delete(answers).where(thread);
      return;
  }
}

test('When answers and reviews are written, revised, withdrawn and deleted in any order, then every digest equals what the tables say', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 30 }), async (steps) => {
      const { versions } = await buildProduct(ctx.services, vendor, { versions: ['1.0', '2.0'] });
      const versionIds = versions.map((v) => v.id);
      for (const step of steps) {
        await apply(versionIds, step);
        expect(await storedDigests(versionIds)).toEqual(await expectedDigests(versionIds));
      }
    }),
    { numRuns: 60 },
  );
});

test('When a version is answered and reviewed, then its digest names the answer, the review and that it reviewed the current answer', async () => {
  const { db } = ctx.services.database;
  const { versions } = await buildProduct(ctx.services, vendor);
  const productVersionId = (versions[0] as { id: string }).id;
  const [answer] = await db.insert(answers).values({ productVersionId, libraryKey: 'EXP-001', libraryMajor: 1, status: 'meets', validUntil: '2027-01-31' }).returning();
  const expiresAt = new Date('2027-03-01T12:00:00Z');
  await db.insert(verifications).values({ answerId: (answer as { id: string }).id, assessorOrganisationId: council.id, decision: 'accepted', expiresAt });
  const [digest] = await db.select().from(answerDigests).where(eq(answerDigests.productVersionId, productVersionId));
  expect(digest?.threads).toBe(`EXP-001|1,${(answer as { id: string }).id},meets,2027-01-31,accepted,${expiresAt.getTime()},1`);
});

test('When two transactions answer for the same product version at the same time, then the digest holds both answers', async () => {
  const { db } = ctx.services.database;
  const { versions } = await buildProduct(ctx.services, vendor);
  const productVersionId = (versions[0] as { id: string }).id;
  let releaseFirst: () => void = () => undefined;
  const firstMayCommit = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  let firstWrote: () => void = () => undefined;
  const firstHasWritten = new Promise<void>((resolve) => {
    firstWrote = resolve;
  });
  // On a PostgreSQL server the second transaction's refresh waits for the first to commit; on the
  // embedded database transactions run one after the other. Either way both answers must count.
  const first = db.transaction(async (tx) => {
    await tx.insert(answers).values({ productVersionId, libraryKey: 'EXP-001', libraryMajor: 1, status: 'meets' });
    firstWrote();
    await firstMayCommit;
  });
  await firstHasWritten;
  const second = db.transaction(async (tx) => {
    await tx.insert(answers).values({ productVersionId, libraryKey: 'API-001', libraryMajor: 1, status: 'partly' });
  });
  setTimeout(releaseFirst, 150);
  await Promise.all([first, second]);
  const [digest] = await db.select().from(answerDigests).where(eq(answerDigests.productVersionId, productVersionId));
  expect(digest?.threads.split(';').map((entry) => entry.split(',')[0]).sort()).toEqual(['API-001|1', 'EXP-001|1']);
  expect(await storedDigests([productVersionId])).toEqual(await expectedDigests([productVersionId]));
});
