import { z } from 'zod';
import { emailSchema } from '../auth/auth.schemas';
import { DOMAINS } from '../library/library.codes';
import { orgNumberSchema } from '../organisations/organisations.schemas';
import { versionField, versionOut } from '../shared/version-field';
import { DEPLOYMENTS, EXIT_PLAN_STATUSES } from './vendors.table';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** A form sends one checkbox as a string and several as a list. */
const toList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2027-03-31', abort: true })
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, 'must be a real date');
const optionalDate = z.preprocess(emptyToUndefined, isoDate.nullable().optional());
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(200).default(50);

/** The rows a list's `page` and `pageSize` ask for. */
export const pageWindow = (query: { page: number; pageSize: number }) => ({ limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
/** A page of a list in the API: its items and where they stand in the whole. */
export const listPageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), total: z.number() });

/** Vendors must have an organisation number, checked with the MOD11 check digit. */
const vendorOrgNumber = z.preprocess(emptyToUndefined, z.string('is required').pipe(orgNumberSchema));
const vendorName = z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters');
const website = z.string().trim().max(500, 'must be at most 500 characters').pipe(z.httpUrl('must be a web address starting with https:// or http://'));

export const vendorCreateSchema = z.strictObject({
  name: vendorName,
  orgNumber: vendorOrgNumber,
  website: z.preprocess(emptyToUndefined, website.nullable().optional()),
});
export type VendorCreateInput = z.infer<typeof vendorCreateSchema>;
/** The vendor form when it changes a vendor: with the version it was opened at. */
export const vendorEditFormSchema = vendorCreateSchema.extend({ version: versionField });

export const vendorUpdateSchema = z.strictObject({
  name: vendorName.optional(),
  orgNumber: vendorOrgNumber.optional(),
  website: z.preprocess(emptyToUndefined, website.nullable().optional()),
  version: versionField,
});
export type VendorUpdateInput = z.infer<typeof vendorUpdateSchema>;

export const vendorListQuerySchema = z.strictObject({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  page,
  pageSize,
});

export const vendorParams = z.strictObject({ vendorId: z.uuid('must be a vendor id') });
export const vendorInvitationParams = vendorParams.extend({ invitationId: z.uuid('must be an invitation id') });
export const vendorInvitationCreateSchema = z.strictObject({ email: emailSchema });

const productFields = {
  name: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(5000, 'must be at most 5000 characters'),
  domains: z
    .array(z.enum(DOMAINS))
    .min(1, 'choose at least one domain')
    .max(DOMAINS.length)
    .transform((list) => [...new Set(list)]),
  deployment: z.enum(DEPLOYMENTS),
};

export const productCreateSchema = z.strictObject({
  vendorId: z.preprocess(emptyToUndefined, z.uuid('must be a vendor id').optional()),
  name: productFields.name,
  description: productFields.description.default(''),
  domains: productFields.domains,
  deployment: productFields.deployment,
});
export type ProductCreateInput = z.infer<typeof productCreateSchema>;

export const productUpdateSchema = z.strictObject({
  name: productFields.name.optional(),
  description: productFields.description.optional(),
  domains: productFields.domains.optional(),
  deployment: productFields.deployment.optional(),
  version: versionField,
});
export type ProductUpdateInput = z.infer<typeof productUpdateSchema>;

/** The product form on the pages: every field is sent, checkboxes as `domains[]`. */
export const productFormSchema = z.strictObject({
  name: productFields.name,
  description: productFields.description.default(''),
  domains: z.preprocess(toList, productFields.domains),
  deployment: productFields.deployment,
});
/** The product form when it changes a product: with the version it was opened at. */
export const productEditFormSchema = productFormSchema.extend({ version: versionField });

export const productListQuerySchema = z.strictObject({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  domain: z.preprocess(emptyToUndefined, z.enum(DOMAINS).optional()),
  deployment: z.preprocess(emptyToUndefined, z.enum(DEPLOYMENTS).optional()),
  vendorId: z.preprocess(emptyToUndefined, z.uuid('must be a vendor id').optional()),
  page,
  pageSize,
});

export const productParams = z.strictObject({ productId: z.uuid('must be a product id') });
export const versionParams = productParams.extend({ versionId: z.uuid('must be a version id') });

const versionLabel = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
export const versionCreateSchema = z.strictObject({ label: versionLabel, releaseDate: optionalDate });
export const versionUpdateSchema = z.strictObject({ label: versionLabel.optional(), releaseDate: optionalDate, version: versionField });
export type VersionInput = z.infer<typeof versionUpdateSchema>;
/** A version's row form on the product page: with the version of the row it was opened at. */
export const versionEditFormSchema = versionCreateSchema.extend({ version: versionField });

/** Forms send the notice period as text; only text is read as a number, so that `[]` is not 0 months. */
const monthsFromText = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v);

const usageFields = {
  contractStart: optionalDate,
  contractEnd: optionalDate,
  noticeMonths: z.preprocess(monthsFromText, z.number('must be a number of months').int('must be whole months').min(0).max(120).nullable().optional()),
  exitPlanStatus: z.enum(EXIT_PLAN_STATUSES),
  note: z.string().trim().max(5000, 'must be at most 5000 characters'),
};

export const usageCreateSchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
  productId: z.uuid('must be a product id'),
  contractStart: usageFields.contractStart,
  contractEnd: usageFields.contractEnd,
  noticeMonths: usageFields.noticeMonths,
  exitPlanStatus: usageFields.exitPlanStatus.default('none'),
  note: usageFields.note.default(''),
});
export type UsageCreateInput = z.infer<typeof usageCreateSchema>;

export const usageUpdateSchema = z.strictObject({
  contractStart: usageFields.contractStart,
  contractEnd: usageFields.contractEnd,
  noticeMonths: usageFields.noticeMonths,
  exitPlanStatus: usageFields.exitPlanStatus.optional(),
  note: usageFields.note.optional(),
  version: versionField,
});
export type UsageUpdateInput = z.infer<typeof usageUpdateSchema>;

/** The usage form on the pages sends every field; an empty date or notice period clears it. */
export const usageFormSchema = z.strictObject({
  contractStart: usageFields.contractStart,
  contractEnd: usageFields.contractEnd,
  noticeMonths: usageFields.noticeMonths,
  exitPlanStatus: usageFields.exitPlanStatus,
  note: usageFields.note.default(''),
});
/** The usage form when it changes a usage: with the version it was opened at. */
export const usageEditFormSchema = usageFormSchema.extend({ version: versionField });

/** The form for a new usage: the buyer and product, then the same fields. */
export const usageNewFormSchema = usageFormSchema.extend({
  organisationId: usageCreateSchema.shape.organisationId,
  productId: z.uuid('choose a product'),
});

export const usageListQuerySchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
  productId: z.preprocess(emptyToUndefined, z.uuid('must be a product id').optional()),
  page,
  pageSize,
});
export const usageNewQuerySchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
  productId: z.preprocess(emptyToUndefined, z.uuid('must be a product id').optional()),
});
export const usageParams = z.strictObject({ usageId: z.uuid('must be a usage id') });

export const DEFAULT_HORIZON_MONTHS = 18;
export const exposureQuerySchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
  horizonMonths: z.preprocess(emptyToUndefined, z.coerce.number('must be a number of months').int().min(1).max(120).default(DEFAULT_HORIZON_MONTHS)),
});

export const vendorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    orgNumber: z.string().nullable(),
    website: z.string().nullable(),
    productCount: z.number().int(),
    version: versionOut,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Vendor' });

export const productVersionSchema = z
  .object({ id: z.uuid(), productId: z.uuid(), label: z.string(), releaseDate: z.string().nullable(), version: versionOut, createdAt: z.string() })
  .meta({ id: 'ProductVersion' });

export const productSummarySchema = z
  .object({
    id: z.uuid(),
    vendorId: z.uuid(),
    vendorName: z.string(),
    name: z.string(),
    description: z.string(),
    domains: z.array(z.enum(DOMAINS)),
    deployment: z.enum(DEPLOYMENTS),
    latestVersion: z.string().nullable(),
    version: versionOut,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ProductSummary' });

export const productSchema = productSummarySchema.extend({ versions: z.array(productVersionSchema) }).meta({ id: 'Product' });

export const usageSchema = z
  .object({
    id: z.uuid(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    productId: z.uuid(),
    productName: z.string(),
    vendorId: z.uuid(),
    vendorName: z.string(),
    contractStart: z.string().nullable(),
    contractEnd: z.string().nullable(),
    noticeMonths: z.number().int().nullable(),
    noticeDeadline: z.string().nullable().describe('The last day to give notice: contract end minus the notice period'),
    exitPlanStatus: z.enum(EXIT_PLAN_STATUSES),
    note: z.string(),
    version: versionOut,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ProductUsage' });

export const exposureSchema = z
  .object({
    organisationId: z.uuid(),
    organisationName: z.string(),
    today: z.string(),
    horizonMonths: z.number().int(),
    horizonEnd: z.string(),
    endingContracts: z.array(usageSchema.extend({ ended: z.boolean(), noticePassed: z.boolean() })).describe('Contracts ending on or before the horizon, soonest first; ended ones included'),
    withoutApprovedExitPlan: z.array(usageSchema),
    failingAbsolute: z
      .object({
        available: z.boolean().describe('False until assessment data can be read; then items is empty and means nothing'),
        items: z.array(usageSchema.extend({ failingKeys: z.array(z.string()) })),
      })
      .describe('Products failing absolute (A) data-access requirements'),
  })
  .meta({ id: 'LockInExposure' });
