import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import type { Domain } from '../library/library.codes';
import { organisations } from '../organisations/organisations.table';

export const DEPLOYMENTS = ['saas', 'hosted', 'on-premises'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];
export const EXIT_PLAN_STATUSES = ['none', 'draft', 'approved'] as const;
export type ExitPlanStatus = (typeof EXIT_PLAN_STATUSES)[number];

/** A vendor's product (fagsystem). The vendor is an organisation of kind 'vendor'. */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vendorOrganisationId: uuid('vendor_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    domains: text('domains').array().$type<Domain[]>().notNull(),
    deployment: text('deployment').$type<Deployment>().notNull(),
    /** Raised by one on every change; an update names the version it read (optimistic concurrency). */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_vendor_name_unique').on(t.vendorOrganisationId, sql`lower(${t.name})`),
    check('products_deployment_check', sql`${t.deployment} in ('saas', 'hosted', 'on-premises')`),
  ],
);

export const productVersions = pgTable(
  'product_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    releaseDate: date('release_date'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('product_versions_label_unique').on(t.productId, sql`lower(${t.label})`), index('product_versions_product_idx').on(t.productId, t.releaseDate)],
);

/** Which buyer uses which product, under which contract. */
export const productUsages = pgTable(
  'product_usages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    buyerOrganisationId: uuid('buyer_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    contractStart: date('contract_start'),
    contractEnd: date('contract_end'),
    noticeMonths: integer('notice_months'),
    exitPlanStatus: text('exit_plan_status').$type<ExitPlanStatus>().notNull().default('none'),
    note: text('note').notNull().default(''),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('product_usages_buyer_idx').on(t.buyerOrganisationId, t.contractEnd),
    index('product_usages_product_idx').on(t.productId),
    check('product_usages_exit_plan_check', sql`${t.exitPlanStatus} in ('none', 'draft', 'approved')`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
export type ProductVersionRow = typeof productVersions.$inferSelect;
export type ProductUsageRow = typeof productUsages.$inferSelect;
