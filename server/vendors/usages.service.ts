import { membershipIn, type Actor, type AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import { changedFields } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { requireOrganisationRole } from '../organisations/organisation-access';
import { organisationNotFound } from '../organisations/organisations.errors';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { OrganisationRow } from '../organisations/organisations.table';
import { assertVersion, compareAndSet } from '../shared/versioning';
import { addMonths, localDate, noticeDeadline } from './contract-dates';
import { buyerIdsOf, canEditUsagesOf, defaultBuyerId, EDIT_ROLES, type VendorsAccess } from './vendors.access';
import { buyerRequired, contractDatesReversed, notABuyer, organisationRequired, usageEditorRequired, usageNotFound } from './vendors.errors';
import type { UsageListRow, VendorsRepository } from './vendors.repository';
import type { UsageCreateInput, UsageUpdateInput } from './vendors.schemas';
import type { ProductUsageRow } from './vendors.table';

/**
 * The products of the given ids that fail absolute (A) data-access requirements, with the
 * failing requirement keys. Supplied by the assessments feature; without it the exposure page
 * says there is no assessment data.
 */
export type AbsoluteFailureSource = (productIds: string[]) => Promise<Map<string, string[]>>;

export type UsageView = UsageListRow & { noticeDeadline: string | null };

export type Exposure = {
  organisation: OrganisationRow;
  today: string;
  horizonMonths: number;
  horizonEnd: string;
  endingContracts: (UsageView & { ended: boolean; noticePassed: boolean })[];
  withoutApprovedExitPlan: UsageView[];
  failingAbsolute: { available: boolean; items: (UsageView & { failingKeys: string[] })[] };
};

export type UsagesDeps = {
  db: Database;
  vendorsRepository: VendorsRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  access: VendorsAccess;
  failingAbsolute?: AbsoluteFailureSource | undefined;
  now: () => Date;
};

/**
 * What buyers use: which products, under which contracts, with which exit plans; and from that
 * a buyer's lock-in exposure. Usages belong to one buyer: only its members see them.
 */
export function createUsagesService(deps: UsagesDeps) {
  const { db, vendorsRepository: repo, organisationsRepository: orgs, auditRepository: audit, access, now } = deps;
  let absoluteFailures: AbsoluteFailureSource | undefined = deps.failingAbsolute;

  /** A usage exists for its buyer's members only; for everybody else it does not exist. */
  async function loadUsage(actor: Actor, usageId: string): Promise<UsageListRow> {
    const found = await repo.findUsage(db, usageId);
    if (!found || !(actor.isAdmin || membershipIn(actor, found.usage.buyerOrganisationId))) throw usageNotFound();
    return found;
  }

  async function requireBuyer(organisationId: string): Promise<OrganisationRow> {
    const organisation = await orgs.findById(db, organisationId);
    if (!organisation) throw organisationNotFound();
    if (organisation.kind !== 'buyer') throw notABuyer();
    return organisation;
  }

  /** The buyer a new usage belongs to: the one named, or the only one where the actor edits. */
  async function buyerForNewUsage(actor: Actor, organisationId: string | undefined): Promise<string> {
    if (organisationId) {
      requireOrganisationRole(actor, organisationId, EDIT_ROLES);
      await requireBuyer(organisationId);
      return organisationId;
    }
    const eligible = actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.includes(m.role));
    if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
    if (eligible.length === 0 && !actor.isAdmin) throw buyerRequired();
    throw organisationRequired();
  }

  /** The buyer a reading page or API call is about: the one named (checked), else the default one. */
  async function buyerToRead(actor: Actor, organisationId: string | undefined): Promise<OrganisationRow> {
    const id = organisationId ?? defaultBuyerId(actor);
    if (!id) throw actor.isAdmin ? organisationRequired() : buyerRequired();
    requireOrganisationRole(actor, id);
    return requireBuyer(id);
  }

  /** The buyers the actor may pick on the usage pages: their own (editing: where they edit); administrators every buyer. */
  async function buyerChoices(actor: Actor, forEditing: boolean): Promise<{ id: string; name: string }[]> {
    if (actor.isAdmin) return (await orgs.list(db, { kind: 'buyer' }, { limit: 1000, offset: 0 })).rows.map((o) => ({ id: o.id, name: o.name }));
    return actor.memberships
      .filter((m) => m.kind === 'buyer' && (!forEditing || EDIT_ROLES.includes(m.role)))
      .map((m) => ({ id: m.organisationId, name: m.organisationName }));
  }

  function checkContractDates(start: string | null | undefined, end: string | null | undefined): void {
    if (start && end && end < start) throw contractDatesReversed();
  }

  const withDeadline = (row: UsageListRow): UsageView => ({ ...row, noticeDeadline: noticeDeadline(row.usage) });

  const usageAudit = (usage: ProductUsageRow) => ({
    productId: usage.productId,
    contractStart: usage.contractStart,
    contractEnd: usage.contractEnd,
    noticeMonths: usage.noticeMonths,
    exitPlanStatus: usage.exitPlanStatus,
    note: usage.note,
  });

  return {
    /** Plugs in where the exposure page reads products failing absolute requirements. */
    setAbsoluteFailureSource(source: AbsoluteFailureSource): void {
      absoluteFailures = source;
    },

    /** Usages of the buyers the actor belongs to (administrators: all), optionally of one buyer or product. */
    async listUsages(actor: Actor, filter: { organisationId?: string | undefined; productId?: string | undefined }, page: { limit: number; offset: number }) {
      if (filter.organisationId) {
        requireOrganisationRole(actor, filter.organisationId);
        await requireBuyer(filter.organisationId);
      }
      const buyerIds = filter.organisationId ? [filter.organisationId] : actor.isAdmin ? 'all' : buyerIdsOf(actor);
      const { rows, total } = await repo.listUsages(db, { buyerIds, productId: filter.productId }, page);
      return { rows: rows.map(withDeadline), total };
    },

    async getUsage(actor: Actor, usageId: string): Promise<UsageView> {
      return withDeadline(await loadUsage(actor, usageId));
    },

    async createUsage(actor: Actor, input: UsageCreateInput, context: AuditContext): Promise<ProductUsageRow> {
      const buyerId = await buyerForNewUsage(actor, input.organisationId);
      const { product } = await access.loadProduct(actor, input.productId);
      checkContractDates(input.contractStart, input.contractEnd);
      return db.transaction(async (tx) => {
        const created = await repo.insertUsage(tx, {
          buyerOrganisationId: buyerId,
          productId: product.id,
          contractStart: input.contractStart ?? null,
          contractEnd: input.contractEnd ?? null,
          noticeMonths: input.noticeMonths ?? null,
          exitPlanStatus: input.exitPlanStatus,
          note: input.note,
        });
        await audit.record(tx, context, { organisationId: buyerId, action: 'product_usage.created', entityType: 'product_usage', entityId: created.id, after: { product: product.name, ...usageAudit(created) } });
        return created;
      });
    },

    async updateUsage(actor: Actor, usageId: string, input: UsageUpdateInput, context: AuditContext): Promise<ProductUsageRow> {
      const { usage } = await loadUsage(actor, usageId);
      if (!canEditUsagesOf(actor, usage.buyerOrganisationId)) throw usageEditorRequired();
      const lastChange = (executor: Database = db) => audit.lastChange(executor, 'product_usage', usageId);
      await assertVersion({ entity: 'usage', expected: input.version, current: usage.version, lastChange });
      const values: Partial<Pick<ProductUsageRow, 'contractStart' | 'contractEnd' | 'noticeMonths' | 'exitPlanStatus' | 'note'>> = {};
      if (input.contractStart !== undefined) values.contractStart = input.contractStart;
      if (input.contractEnd !== undefined) values.contractEnd = input.contractEnd;
      if (input.noticeMonths !== undefined) values.noticeMonths = input.noticeMonths;
      if (input.exitPlanStatus !== undefined) values.exitPlanStatus = input.exitPlanStatus;
      if (input.note !== undefined) values.note = input.note;
      checkContractDates(values.contractStart === undefined ? usage.contractStart : values.contractStart, values.contractEnd === undefined ? usage.contractEnd : values.contractEnd);
      const diff = changedFields(usage, values);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'usage',
          update: () => repo.updateUsage(tx, usageId, input.version, values),
          currentVersion: async () => (await repo.findUsage(tx, usageId))?.usage.version,
          lastChange: () => lastChange(tx),
          notFound: usageNotFound,
        });
        await audit.record(tx, context, { organisationId: usage.buyerOrganisationId, action: 'product_usage.updated', entityType: 'product_usage', entityId: usageId, before: diff.before, after: { ...diff.after, version: updated.version } });
        return updated;
      });
    },

    /** Removes a usage; answers the removed usage, whose buyer the page returns to. */
    async removeUsage(actor: Actor, usageId: string, context: AuditContext): Promise<ProductUsageRow> {
      const { usage, productName } = await loadUsage(actor, usageId);
      if (!canEditUsagesOf(actor, usage.buyerOrganisationId)) throw usageEditorRequired();
      await db.transaction(async (tx) => {
        await repo.deleteUsage(tx, usageId);
        await audit.record(tx, context, { organisationId: usage.buyerOrganisationId, action: 'product_usage.removed', entityType: 'product_usage', entityId: usageId, before: { product: productName, ...usageAudit(usage) } });
      });
      return usage;
    },

    buyerToRead,

    /**
     * The buyer a usage page is about, with the buyers it offers to choose from. With none
     * named and none to fall back on, the organisation is null and the page says why.
     */
    async pageBuyer(actor: Actor, organisationId: string | undefined): Promise<{ organisation: OrganisationRow | null; choices: { id: string; name: string }[] }> {
      const choices = await buyerChoices(actor, false);
      if (!organisationId && !defaultBuyerId(actor)) return { organisation: null, choices };
      return { organisation: await buyerToRead(actor, organisationId), choices };
    },

    buyerChoices,

    /**
     * A buyer's lock-in exposure: contracts ending within the horizon (and those already ended),
     * usages without an approved exit plan, and products failing absolute requirements once
     * assessment data is plugged in.
     */
    async exposure(actor: Actor, organisationId: string | undefined, horizonMonths: number): Promise<Exposure> {
      const organisation = await buyerToRead(actor, organisationId);
      const today = localDate(now());
      const horizonEnd = addMonths(today, horizonMonths);
      const usages = (await repo.usagesOfBuyer(db, organisation.id)).map(withDeadline);
      const endingContracts = usages
        .filter((u) => u.usage.contractEnd !== null && u.usage.contractEnd <= horizonEnd)
        .map((u) => ({ ...u, ended: (u.usage.contractEnd as string) < today, noticePassed: u.noticeDeadline !== null && u.noticeDeadline < today }));
      const withoutApprovedExitPlan = usages.filter((u) => u.usage.exitPlanStatus !== 'approved');
      let failingAbsolute: Exposure['failingAbsolute'] = { available: false, items: [] };
      if (absoluteFailures) {
        const failures = await absoluteFailures([...new Set(usages.map((u) => u.usage.productId))]);
        failingAbsolute = {
          available: true,
          items: usages.flatMap((u) => {
            const keys = failures.get(u.usage.productId) ?? [];
            return keys.length > 0 ? [{ ...u, failingKeys: keys }] : [];
          }),
        };
      }
      return { organisation, today, horizonMonths, horizonEnd, endingContracts, withoutApprovedExitPlan, failingAbsolute };
    },
  };
}
