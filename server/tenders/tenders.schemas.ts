import { z } from 'zod';
import { CATEGORIES, DOMAINS, ITEM_KINDS, REQUIREMENT_TYPES } from '../library/library.codes';
import { itemKeySchema, packKeySchema } from '../library/library.schemas';
import { TENDER_DOCUMENTS } from '../documents/documents';
import { versionField } from '../shared/versioning';
import { TENDER_STATUSES } from './tenders.table';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2027-03-31').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'must be a real date');

export const tenderFields = {
  title: z.string().trim().min(3, 'must be at least 3 characters').max(300, 'must be at most 300 characters'),
  reference: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  domain: z.preprocess(emptyToUndefined, z.enum(DOMAINS).nullable().optional()),
  description: z.string().trim().max(5000, 'must be at most 5000 characters').optional(),
  language: z.enum(['nb', 'en']),
  contactName: z.string().trim().max(200).optional(),
  contactEmail: z.preprocess(emptyToUndefined, z.email('must be an email address').max(254).optional()),
  deadline: z.preprocess(emptyToUndefined, isoDate.nullable().optional()),
};

export const tenderCreateSchema = z.strictObject({ ...tenderFields, organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()) });
export const tenderUpdateSchema = z.strictObject({
  title: tenderFields.title.optional(),
  reference: tenderFields.reference.optional(),
  domain: tenderFields.domain,
  description: tenderFields.description,
  language: tenderFields.language.optional(),
  contactName: tenderFields.contactName,
  contactEmail: tenderFields.contactEmail,
  deadline: tenderFields.deadline,
  parameterDefaults: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be a parameter name'), z.union([z.number(), z.string().max(500), z.array(z.string().max(200)).max(50)])).optional(),
  version: versionField,
});

export const tenderListQuerySchema = z.strictObject({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(TENDER_STATUSES).optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

export const tenderParams = z.strictObject({ tenderId: z.uuid('must be a tender id') });
export const tenderItemParams = tenderParams.extend({ itemId: z.uuid('must be an item id') });
export const tenderSectionParams = tenderParams.extend({ sectionId: z.uuid('must be a section id') });
export const tenderCoBuyerParams = tenderParams.extend({ organisationId: z.uuid('must be an organisation id') });
export const documentParams = tenderParams.extend({ document: z.enum(TENDER_DOCUMENTS) });
export const revisionQuerySchema = z.strictObject({ revision: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).optional()) });

export const customItemSchema = z.strictObject({
  kind: z.enum(ITEM_KINDS),
  type: z.enum(REQUIREMENT_TYPES),
  weight: z.coerce.number().int().min(0).max(100).default(0),
  title: z.string().trim().min(3, 'must be at least 3 characters').max(300),
  text: z.string().trim().min(10, 'must be at least 10 characters').max(10_000),
  responseGuidance: z.string().trim().max(5000).default(''),
  sectionId: z.preprocess(emptyToUndefined, z.uuid().optional()),
});

export const addItemsSchema = z
  .strictObject({
    keys: z.array(itemKeySchema).min(1, 'name at least one library item').max(500).optional(),
    pick: z.literal('domain').optional(),
    clausesOf: z.enum(CATEGORIES).optional(),
    selectionId: z.uuid('must be a selection id').optional(),
    pack: packKeySchema.optional().describe('A sector pack of the library (GET /api/library/packs)'),
    custom: customItemSchema.optional(),
  })
  .refine((v) => [v.keys, v.pick, v.clausesOf, v.selectionId, v.pack, v.custom].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of keys, pick, clausesOf, selectionId, pack or custom',
  });

export const parameterValuesSchema = z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be a parameter name'), z.union([z.number(), z.string().max(500), z.array(z.string().max(200)).max(50)]));

export const itemUpdateSchema = z.strictObject({
  type: z.enum(REQUIREMENT_TYPES).optional(),
  weight: z.number().int().min(0).max(100).optional(),
  parameterValues: parameterValuesSchema.optional(),
  sectionId: z.uuid().optional(),
  title: z.string().trim().min(3).max(300).optional(),
  text: z.string().trim().min(10).max(10_000).optional(),
  responseGuidance: z.string().trim().max(5000).optional(),
  version: versionField,
});

/** A move of an item or section, based on the version of what is moved. */
export const moveSchema = z.strictObject({ direction: z.enum(['up', 'down']), version: versionField });
export const sectionSchema = z.strictObject({ title: z.string().trim().min(1, 'is required').max(200) });
export const sectionRenameSchema = sectionSchema.extend({ version: versionField });
/** Sharing with a co-buyer changes the tender: based on the tender's version. */
export const coBuyerSchema = z.strictObject({ canEdit: z.boolean().default(false), version: versionField });
/** An action on an entity that changes it and takes nothing else: the version it is based on. */
export const versionOnlySchema = z.strictObject({ version: versionField });
/** Removing a section as a confirmation showed it: the section's version and the ids of the items listed to go with it. */
export const sectionRemoveSchema = z.strictObject({ version: versionField, items: z.string().max(50_000).default('') });
export const selectionCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200),
  keys: z.array(itemKeySchema).min(1).max(1000),
  organisationId: z.uuid().optional(),
});
export const selectionParams = z.strictObject({ selectionId: z.uuid('must be a selection id') });

export const responseUploadSchema = z.strictObject({
  vendorName: z.string().trim().min(2, 'must be at least 2 characters').max(200),
  revision: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).optional()),
});

const localText = z.string();
export const tenderSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    reference: z.string(),
    buyerOrganisationId: z.uuid(),
    buyerName: z.string(),
    status: z.enum(TENDER_STATUSES),
    language: z.enum(['nb', 'en']),
    domain: z.string().nullable(),
    deadline: z.string().nullable(),
    currentRevision: z.number(),
    hasUnissuedChanges: z.boolean(),
    version: z.number().describe('Raised by every change of the tender, its items, sections and co-buyers; send it (or If-Match) to change the tender or its co-buyers'),
    updatedAt: z.string(),
  })
  .meta({ id: 'TenderSummary' });

export const tenderItemSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    fromLibrary: z.boolean(),
    libraryVersion: z.string().nullable(),
    kind: z.enum(ITEM_KINDS),
    type: z.enum(REQUIREMENT_TYPES),
    weight: z.number(),
    title: localText,
    parameterValues: z.record(z.string(), z.unknown()),
    effectiveValues: z.record(z.string(), z.unknown()),
    jointSetDeviationId: z.uuid().nullable().meta({ description: 'The buyer\'s deviation from the joint set that this item carries, if any' }),
    position: z.number(),
    version: z.number().describe('Send it (or If-Match) to change, move or upgrade the item'),
  })
  .meta({ id: 'TenderItem' });

export const tenderJointSetSchema = z
  .object({
    setId: z.uuid().nullable(),
    revisionId: z.uuid().nullable(),
    title: z.string(),
    revision: z.number(),
    adoptedOn: z.string().nullable(),
    href: z.string().nullable().meta({ description: 'The adopted revision in the API' }),
    deviationsHref: z.string().nullable().meta({ description: 'Every participant\'s deviations from the revision in the API' }),
    signatories: z.array(z.object({ organisationId: z.uuid().nullable(), name: z.string() })),
    deviations: z.array(
      z.object({
        id: z.uuid().nullable(),
        key: z.string(),
        title: z.string(),
        excluded: z.boolean(),
        changes: z.array(z.object({ field: z.string(), from: z.string(), to: z.string() })),
        justification: z.string(),
      }),
    ),
  })
  .meta({ id: 'TenderJointSet', description: 'The adopted joint-set revision the tender started from, who signed it, and the buyer\'s own deviations' });

export const tenderSchema = tenderSummarySchema
  .extend({
    description: z.string(),
    contactName: z.string(),
    contactEmail: z.string(),
    parameterDefaults: z.record(z.string(), z.unknown()),
    coBuyers: z.array(z.object({ organisationId: z.uuid(), name: z.string(), canEdit: z.boolean() })),
    canEdit: z.boolean(),
    jointSet: tenderJointSetSchema.nullable(),
    sections: z.array(z.object({ id: z.uuid(), title: z.string(), position: z.number(), category: z.string().nullable(), version: z.number().describe('Send it (or If-Match) to rename or move the section'), items: z.array(tenderItemSchema) })),
  })
  .meta({ id: 'Tender' });

export const checkResultSchema = z
  .object({
    ok: z.boolean(),
    weightSum: z.number(),
    errors: z.array(z.object({ code: z.string(), path: z.string(), message: z.string(), itemId: z.string().optional(), key: z.string().optional() })),
    notices: z.array(z.object({ code: z.string(), itemId: z.string(), key: z.string(), from: z.string(), to: z.string(), changes: z.array(z.unknown()) })),
  })
  .meta({ id: 'TenderChecks' });
