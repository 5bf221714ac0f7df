import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { assessmentProfiles } from '../assessments/assessments.table';
import { organisations } from '../organisations/organisations.table';
import { tenders } from '../tenders/tenders.table';
import {
  jointSetComments,
  jointSetDeviations,
  jointSetItems,
  jointSetParticipants,
  jointSetRevisions,
  jointSets,
  jointSetSections,
  jointSetSignoffs,
  type JointSetCommentRow,
  type JointSetDeviationRow,
  type JointSetItemRow,
  type JointSetRevisionRow,
  type JointSetRow,
  type JointSetSectionRow,
  type JointSetSignoffRow,
  type ParticipantStatus,
} from './joint-sets.table';

export type JointSetInsert = typeof jointSets.$inferInsert;
export type JointSetItemInsert = typeof jointSetItems.$inferInsert;
export type JointSetDeviationInsert = typeof jointSetDeviations.$inferInsert;
export type ParticipantView = { organisationId: string; name: string; status: ParticipantStatus; invitedAt: Date; respondedAt: Date | null };

export function createJointSetsRepository() {
  return {
    /** Sets where one of the organisations participates (in any status), and public sets with an adopted revision. */
    async list(db: Database, scope: { organisationIds: string[] | 'all'; includePublic: boolean }): Promise<(JointSetRow & { coordinatorName: string })[]> {
      // The ids the scope sees, as one union of index lookups: an OR of the conditions would make
      // the database read every set.
      const visible: SQL[] = [];
      if (scope.organisationIds !== 'all') {
        if (scope.organisationIds.length > 0) {
          visible.push(sql`select ${jointSetParticipants.jointSetId} from ${jointSetParticipants} where ${inArray(jointSetParticipants.organisationId, scope.organisationIds)}`);
        }
        if (scope.includePublic) {
          visible.push(
            sql`select ${jointSetRevisions.jointSetId} from ${jointSetRevisions} join ${jointSets} on ${jointSets.id} = ${jointSetRevisions.jointSetId} where ${jointSets.isPublic} and ${inArray(jointSetRevisions.status, ['adopted', 'superseded'])}`,
          );
        }
        if (visible.length === 0) return [];
      }
      const rows = await db
        .select({ set: jointSets, coordinatorName: organisations.name })
        .from(jointSets)
        .innerJoin(organisations, eq(organisations.id, jointSets.coordinatorOrganisationId))
        .where(visible.length > 0 ? inArray(jointSets.id, sql`(${sql.join(visible, sql` union `)})`) : undefined)
        .orderBy(desc(jointSets.updatedAt));
      return rows.map((r) => ({ ...r.set, coordinatorName: r.coordinatorName }));
    },

    async findById(db: Database, id: string): Promise<JointSetRow | undefined> {
      const rows = await db.select().from(jointSets).where(eq(jointSets.id, id)).limit(1);
      return rows[0];
    },

    async lock(db: Database, id: string): Promise<JointSetRow | undefined> {
      const rows = await db.select().from(jointSets).where(eq(jointSets.id, id)).for('update').limit(1);
      return rows[0];
    },

    async insert(db: Database, values: JointSetInsert): Promise<JointSetRow> {
      const rows = await db.insert(jointSets).values(values).returning();
      return rows[0] as JointSetRow;
    },

    /** Changes the set and raises its version, only if it still has `expectedVersion`; undefined if not. */
    async update(db: Database, id: string, expectedVersion: number, values: Partial<JointSetInsert>): Promise<JointSetRow | undefined> {
      const rows = await db
        .update(jointSets)
        .set({ ...values, version: sql`${jointSets.version} + 1`, updatedAt: new Date() })
        .where(and(eq(jointSets.id, id), eq(jointSets.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async touch(db: Database, id: string): Promise<void> {
      await db.update(jointSets).set({ updatedAt: new Date() }).where(eq(jointSets.id, id));
    },

    async participants(db: Database, jointSetId: string): Promise<ParticipantView[]> {
      return db
        .select({ organisationId: jointSetParticipants.organisationId, name: organisations.name, status: jointSetParticipants.status, invitedAt: jointSetParticipants.invitedAt, respondedAt: jointSetParticipants.respondedAt })
        .from(jointSetParticipants)
        .innerJoin(organisations, eq(organisations.id, jointSetParticipants.organisationId))
        .where(eq(jointSetParticipants.jointSetId, jointSetId))
        .orderBy(asc(organisations.name));
    },

    async insertParticipant(db: Database, values: typeof jointSetParticipants.$inferInsert): Promise<boolean> {
      const rows = await db.insert(jointSetParticipants).values(values).onConflictDoNothing().returning({ id: jointSetParticipants.organisationId });
      return rows.length > 0;
    },

    async updateParticipant(db: Database, jointSetId: string, organisationId: string, values: Partial<typeof jointSetParticipants.$inferInsert>): Promise<void> {
      await db
        .update(jointSetParticipants)
        .set(values)
        .where(and(eq(jointSetParticipants.jointSetId, jointSetId), eq(jointSetParticipants.organisationId, organisationId)));
    },

    async deleteParticipant(db: Database, jointSetId: string, organisationId: string): Promise<boolean> {
      const rows = await db
        .delete(jointSetParticipants)
        .where(and(eq(jointSetParticipants.jointSetId, jointSetId), eq(jointSetParticipants.organisationId, organisationId)))
        .returning({ id: jointSetParticipants.organisationId });
      return rows.length > 0;
    },

    async revisions(db: Database, jointSetId: string): Promise<JointSetRevisionRow[]> {
      return db.select().from(jointSetRevisions).where(eq(jointSetRevisions.jointSetId, jointSetId)).orderBy(desc(jointSetRevisions.number));
    },

    async findRevision(db: Database, id: string): Promise<JointSetRevisionRow | undefined> {
      const rows = await db.select().from(jointSetRevisions).where(eq(jointSetRevisions.id, id)).limit(1);
      return rows[0];
    },

    async findRevisionByNumber(db: Database, jointSetId: string, number: number): Promise<JointSetRevisionRow | undefined> {
      const rows = await db
        .select()
        .from(jointSetRevisions)
        .where(and(eq(jointSetRevisions.jointSetId, jointSetId), eq(jointSetRevisions.number, number)))
        .limit(1);
      return rows[0];
    },

    async insertRevision(db: Database, values: typeof jointSetRevisions.$inferInsert): Promise<JointSetRevisionRow> {
      const rows = await db.insert(jointSetRevisions).values(values).returning();
      return rows[0] as JointSetRevisionRow;
    },

    /** Changes the status only if it is still the expected one; undefined when someone else moved it first. */
    async moveRevision(db: Database, id: string, from: JointSetRevisionRow['status'], values: Partial<typeof jointSetRevisions.$inferInsert>, expectedVersion?: number): Promise<JointSetRevisionRow | undefined> {
      const same = and(eq(jointSetRevisions.id, id), eq(jointSetRevisions.status, from));
      const rows = await db
        .update(jointSetRevisions)
        .set({ ...values, version: sql`${jointSetRevisions.version} + 1` })
        .where(expectedVersion === undefined ? same : and(same, eq(jointSetRevisions.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    /** A change of a revision's content (its items or sections): its version goes up, so its ETag changes. */
    async touchRevision(db: Database, id: string): Promise<void> {
      await db.update(jointSetRevisions).set({ version: sql`${jointSetRevisions.version} + 1` }).where(eq(jointSetRevisions.id, id));
    },

    async sections(db: Database, revisionId: string): Promise<JointSetSectionRow[]> {
      return db.select().from(jointSetSections).where(eq(jointSetSections.revisionId, revisionId)).orderBy(asc(jointSetSections.position));
    },

    async insertSection(db: Database, values: typeof jointSetSections.$inferInsert): Promise<JointSetSectionRow> {
      const rows = await db.insert(jointSetSections).values(values).returning();
      return rows[0] as JointSetSectionRow;
    },

    /** Changes a section and raises its version; with `expectedVersion`, only if it still has it (undefined if not). */
    async updateSection(db: Database, id: string, values: Partial<Pick<JointSetSectionRow, 'title' | 'position'>>, expectedVersion?: number): Promise<JointSetSectionRow | undefined> {
      const where = expectedVersion === undefined ? eq(jointSetSections.id, id) : and(eq(jointSetSections.id, id), eq(jointSetSections.version, expectedVersion));
      const rows = await db.update(jointSetSections).set({ ...values, version: sql`${jointSetSections.version} + 1` }).where(where).returning();
      return rows[0];
    },

    async findSection(db: Database, id: string): Promise<JointSetSectionRow | undefined> {
      const rows = await db.select().from(jointSetSections).where(eq(jointSetSections.id, id)).limit(1);
      return rows[0];
    },

    async deleteSection(db: Database, id: string): Promise<void> {
      await db.delete(jointSetSections).where(eq(jointSetSections.id, id));
    },

    async items(db: Database, revisionId: string): Promise<JointSetItemRow[]> {
      return db.select().from(jointSetItems).where(eq(jointSetItems.revisionId, revisionId)).orderBy(asc(jointSetItems.position));
    },

    async insertItems(db: Database, values: JointSetItemInsert[]): Promise<JointSetItemRow[]> {
      if (values.length === 0) return [];
      return db.insert(jointSetItems).values(values).returning();
    },

    /** Changes an item and raises its version; with `expectedVersion`, only if it still has it (undefined if not). */
    async updateItem(db: Database, id: string, values: Partial<JointSetItemInsert>, expectedVersion?: number): Promise<JointSetItemRow | undefined> {
      const where = expectedVersion === undefined ? eq(jointSetItems.id, id) : and(eq(jointSetItems.id, id), eq(jointSetItems.version, expectedVersion));
      const rows = await db.update(jointSetItems).set({ ...values, version: sql`${jointSetItems.version} + 1` }).where(where).returning();
      return rows[0];
    },

    async findItem(db: Database, id: string): Promise<JointSetItemRow | undefined> {
      const rows = await db.select().from(jointSetItems).where(eq(jointSetItems.id, id)).limit(1);
      return rows[0];
    },

    async deleteItem(db: Database, id: string): Promise<void> {
      await db.delete(jointSetItems).where(eq(jointSetItems.id, id));
    },

    async comments(db: Database, revisionId: string): Promise<(JointSetCommentRow & { organisationName: string })[]> {
      const rows = await db
        .select({ comment: jointSetComments, organisationName: organisations.name })
        .from(jointSetComments)
        .innerJoin(organisations, eq(organisations.id, jointSetComments.organisationId))
        .where(eq(jointSetComments.revisionId, revisionId))
        .orderBy(asc(jointSetComments.createdAt), asc(jointSetComments.id));
      return rows.map((r) => ({ ...r.comment, organisationName: r.organisationName }));
    },

    async insertComment(db: Database, values: typeof jointSetComments.$inferInsert): Promise<JointSetCommentRow> {
      const rows = await db.insert(jointSetComments).values(values).returning();
      return rows[0] as JointSetCommentRow;
    },

    /** Answers a comment if it still has `expectedVersion`, raising it; undefined if someone else answered it first. */
    async updateComment(db: Database, id: string, values: Partial<typeof jointSetComments.$inferInsert>, expectedVersion: number): Promise<JointSetCommentRow | undefined> {
      const rows = await db
        .update(jointSetComments)
        .set({ ...values, version: sql`${jointSetComments.version} + 1` })
        .where(and(eq(jointSetComments.id, id), eq(jointSetComments.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async signoffs(db: Database, revisionId: string): Promise<(JointSetSignoffRow & { organisationName: string })[]> {
      const rows = await db
        .select({ signoff: jointSetSignoffs, organisationName: organisations.name })
        .from(jointSetSignoffs)
        .innerJoin(organisations, eq(organisations.id, jointSetSignoffs.organisationId))
        .where(eq(jointSetSignoffs.revisionId, revisionId))
        .orderBy(asc(jointSetSignoffs.decidedAt), asc(organisations.name));
      return rows.map((r) => ({ ...r.signoff, organisationName: r.organisationName }));
    },

    async saveSignoff(db: Database, values: typeof jointSetSignoffs.$inferInsert): Promise<void> {
      await db
        .insert(jointSetSignoffs)
        .values(values)
        .onConflictDoUpdate({ target: [jointSetSignoffs.revisionId, jointSetSignoffs.organisationId], set: { decision: values.decision, note: values.note ?? '', userId: values.userId, userName: values.userName, decidedAt: values.decidedAt ?? new Date() } });
    },

    async deviations(db: Database, revisionId: string): Promise<(JointSetDeviationRow & { organisationName: string })[]> {
      const rows = await db
        .select({ deviation: jointSetDeviations, organisationName: organisations.name })
        .from(jointSetDeviations)
        .innerJoin(organisations, eq(organisations.id, jointSetDeviations.organisationId))
        .where(eq(jointSetDeviations.revisionId, revisionId))
        .orderBy(asc(organisations.name), asc(jointSetDeviations.libraryKey));
      return rows.map((r) => ({ ...r.deviation, organisationName: r.organisationName }));
    },

    /**
     * Declares a deviation (`expectedVersion` 0: only if the organisation has none for the item)
     * or changes it (only if it still has `expectedVersion`, raising it); undefined when someone
     * else declared, changed or withdrew it first.
     */
    async saveDeviation(db: Database, values: JointSetDeviationInsert, expectedVersion: number): Promise<JointSetDeviationRow | undefined> {
      const { revisionId, organisationId, libraryKey, ...changes } = values;
      if (expectedVersion === 0) {
        const rows = await db.insert(jointSetDeviations).values(values).onConflictDoNothing().returning();
        return rows[0];
      }
      const rows = await db
        .update(jointSetDeviations)
        .set({ ...changes, version: sql`${jointSetDeviations.version} + 1`, updatedAt: new Date() })
        .where(and(eq(jointSetDeviations.revisionId, revisionId), eq(jointSetDeviations.organisationId, organisationId), eq(jointSetDeviations.libraryKey, libraryKey), eq(jointSetDeviations.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async insertDeviations(db: Database, values: JointSetDeviationInsert[]): Promise<void> {
      if (values.length > 0) await db.insert(jointSetDeviations).values(values);
    },

    async deleteDeviation(db: Database, revisionId: string, organisationId: string, libraryKey: string): Promise<JointSetDeviationRow | undefined> {
      const rows = await db
        .delete(jointSetDeviations)
        .where(and(eq(jointSetDeviations.revisionId, revisionId), eq(jointSetDeviations.organisationId, organisationId), eq(jointSetDeviations.libraryKey, libraryKey)))
        .returning();
      return rows[0];
    },

    /** Draft tenders and assessment profiles that started from one of the given revisions. */
    async basedOn(db: Database, revisionIds: string[]) {
      if (revisionIds.length === 0) return { tenders: [], profiles: [] };
      const [tenderRows, profileRows] = await Promise.all([
        db
          .select({ id: tenders.id, title: tenders.title, status: tenders.status, buyerOrganisationId: tenders.buyerOrganisationId, revisionId: tenders.jointSetRevisionId })
          .from(tenders)
          .where(and(inArray(tenders.jointSetRevisionId, revisionIds), eq(tenders.status, 'draft'))),
        db
          .select({ id: assessmentProfiles.id, name: assessmentProfiles.name, ownerOrganisationId: assessmentProfiles.ownerOrganisationId, revisionId: assessmentProfiles.jointSetRevisionId })
          .from(assessmentProfiles)
          .where(inArray(assessmentProfiles.jointSetRevisionId, revisionIds)),
      ]);
      return { tenders: tenderRows, profiles: profileRows };
    },

    async revisionIdOfTender(db: Database, tenderId: string): Promise<string | null> {
      const rows = await db.select({ id: tenders.jointSetRevisionId }).from(tenders).where(eq(tenders.id, tenderId)).limit(1);
      return rows[0]?.id ?? null;
    },

    async revisionIdOfProfile(db: Database, profileId: string): Promise<string | null> {
      const rows = await db.select({ id: assessmentProfiles.jointSetRevisionId }).from(assessmentProfiles).where(eq(assessmentProfiles.id, profileId)).limit(1);
      return rows[0]?.id ?? null;
    },

    async maxRevisionNumber(db: Database, jointSetId: string): Promise<number> {
      const rows = await db
        .select({ n: sql<number>`coalesce(max(${jointSetRevisions.number}), 0)` })
        .from(jointSetRevisions)
        .where(eq(jointSetRevisions.jointSetId, jointSetId));
      return Number(rows[0]?.n ?? 0);
    },
  };
}

export type JointSetsRepository = ReturnType<typeof createJointSetsRepository>;
