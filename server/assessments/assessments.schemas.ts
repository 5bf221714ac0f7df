import { z } from 'zod';
import { CATEGORIES, DOMAINS, ITEM_KINDS, REQUIREMENT_TYPES } from '../library/library.codes';
import { itemKeySchema, semverSchema } from '../library/library.schemas';
import { ANSWER_STATUSES, PROFILE_VISIBILITIES, VERIFICATION_DECISIONS } from './assessments.table';
import { ABSOLUTE_REASONS, QUALIFICATIONS, VERDICTS } from './scoring';
import { versionField, versionOut } from '../shared/version-field';
import { QUEUE_REASONS, VERIFICATION_STATES } from './verification-state';
import { pageQueryShape, pagedListSchema } from '../shared/http/list-page';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2027-03-31').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'must be a real date');
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = (fallback: number, max = 200) => z.coerce.number().int().min(1).max(max).default(fallback);
const search = z.preprocess(emptyToUndefined, z.string().trim().max(200).optional());
const domain = z.preprocess(emptyToUndefined, z.enum(DOMAINS).optional());
const organisationId = z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https address' }).max(2000);

export const profileParams = z.strictObject({ profileId: z.uuid('must be a profile id') });
export const answerParams = z.strictObject({ answerId: z.uuid('must be an answer id') });
export const evidenceParams = z.strictObject({ evidenceId: z.uuid('must be an evidence id') });
export const productVersionParams = z.strictObject({ productVersionId: z.uuid('must be a product version id') });

export const profileFields = {
  name: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(5000, 'must be at most 5000 characters'),
  visibility: z.enum(PROFILE_VISIBILITIES),
};

export const profileItemInputSchema = z.strictObject({
  key: itemKeySchema,
  version: semverSchema.optional(),
  type: z.enum(REQUIREMENT_TYPES).optional(),
  weight: z.number().int().min(0).max(100).optional(),
});

export const profileCreateSchema = z
  .strictObject({
    name: profileFields.name,
    description: profileFields.description.optional(),
    visibility: profileFields.visibility.optional(),
    organisationId: z.uuid('must be an organisation id').optional(),
    items: z.array(profileItemInputSchema).max(500).optional(),
    tenderId: z.uuid('must be a tender id').optional(),
  })
  .refine((v) => !(v.items && v.tenderId), { message: 'give items or tenderId, not both' });

export const profileUpdateSchema = z.strictObject({
  name: profileFields.name.optional(),
  description: profileFields.description.optional(),
  visibility: profileFields.visibility.optional(),
  items: z.array(profileItemInputSchema).max(500).optional(),
  changeNote: z.string().trim().max(1000).optional(),
  version: versionField,
});

export const profileListQuerySchema = z.strictObject({ q: search, page, pageSize: pageSize(50) });
export const profileVersionQuerySchema = z.strictObject({ version: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).optional()) });
export const requestCreateSchema = z.strictObject({ productId: z.uuid('must be a product id'), organisationId });

export const answerLinkSchema = z.strictObject({ url: httpUrl, title: z.string().trim().max(200).default('') });
export const answerSaveSchema = z.strictObject({
  productVersionId: z.uuid('must be a product version id'),
  key: itemKeySchema,
  major: z.number().int().min(0).max(999),
  status: z.enum(ANSWER_STATUSES),
  explanation: z.string().trim().max(10_000, 'must be at most 10000 characters').optional(),
  links: z.array(answerLinkSchema).max(20).optional(),
  validUntil: isoDate.nullable().optional(),
  version: versionField.optional().meta({ description: 'Changing an existing answer: the version you read (or If-Match); without it 428, stale 409. A first answer needs none.' }),
});
export const answersQuerySchema = z.strictObject({ productVersionId: z.uuid('must be a product version id'), profileId: z.preprocess(emptyToUndefined, z.uuid('must be a profile id').optional()), ...pageQueryShape });
export const verificationCreateSchema = z.strictObject({
  decision: z.enum(VERIFICATION_DECISIONS),
  noteForVendor: z.string().trim().max(5000).optional(),
  internalNote: z.string().trim().max(5000).optional(),
  organisationId: z.uuid('must be an organisation id').optional(),
  version: versionField.meta({ description: 'The answer\'s version you read (GET answers it, and sends it as the ETag); a revision or another review since gives 409' }),
});
export const messageCreateSchema = z.strictObject({ body: z.string().trim().min(1, 'must not be empty').max(5000, 'must be at most 5000 characters'), organisationId: z.uuid('must be an organisation id').optional() });

export const scoreQuerySchema = z.strictObject({ profileId: z.uuid('must be a profile id'), productVersionId: z.uuid('must be a product version id') });
/** The matrix may show up to 500 products on one page, for a council that wants the whole market at once. */
export const comparisonQuerySchema = z.strictObject({ profileId: z.uuid('must be a profile id'), domain, q: search, page, pageSize: pageSize(50, 500) });
export const rankingQuerySchema = comparisonQuerySchema.extend({ basis: z.enum(['claimed', 'verified']).default('claimed') });
export const exportQuerySchema = z.strictObject({ profileId: z.uuid('must be a profile id'), domain, q: search, basis: z.enum(['claimed', 'verified']).default('claimed'), format: z.enum(['csv', 'xlsx']) });
export const chartQuerySchema = z.strictObject({ profileId: z.uuid('must be a profile id'), domain, q: search, basis: z.enum(['claimed', 'verified']).default('claimed'), limit: z.coerce.number().int().min(1).max(100).default(25) });
export const queueQuerySchema = z.strictObject({ reason: z.preprocess(emptyToUndefined, z.enum(QUEUE_REASONS).optional()), profileId: z.preprocess(emptyToUndefined, z.uuid('must be a profile id').optional()), page, pageSize: pageSize(50) });
export const feedbackQuerySchema = z.strictObject({ page, pageSize: pageSize(50) });
export const registerQuerySchema = z.strictObject({ profileId: z.preprocess(emptyToUndefined, z.uuid('must be a profile id').optional()), page, pageSize: pageSize(50) });
export const sheetQuerySchema = z.strictObject({ profileId: z.preprocess(emptyToUndefined, z.uuid('must be a profile id').optional()) });
export const answerFormQuerySchema = z.strictObject({ key: itemKeySchema, major: z.coerce.number().int().min(0).max(999) });
/** The answer form page: the requirement, and the profile to go back to. */
export const answerFormPageQuerySchema = answerFormQuerySchema.extend({ profileId: z.preprocess(emptyToUndefined, z.uuid().optional()) });
/** The comparison page: the ranking's filter, with the profile optional (the baseline by default) and the matrix or the ranking shown. */
export const comparePageQuerySchema = rankingQuerySchema.extend({ profileId: z.preprocess(emptyToUndefined, z.uuid('must be a profile id').optional()), view: z.enum(['matrix', 'ranking']).default('matrix') });

/** Page forms: the browser sends strings, lists as repeated fields. */
const rows = <T extends z.ZodType>(row: T) => z.preprocess((v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : v), z.array(row).max(500));
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const keyList = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase().split(/[\s,;]+/).filter(Boolean) : v),
  z.array(itemKeySchema).max(500),
);

export const profileCreateFormSchema = z.strictObject({
  name: profileFields.name,
  description: profileFields.description.default(''),
  visibility: profileFields.visibility.default('private'),
  organisationId,
  keys: keyList.default([]),
  tenderId: z.preprocess(emptyToUndefined, z.uuid('must be a tender id').optional()),
});

export const profileUpdateFormSchema = z.strictObject({
  name: profileFields.name,
  description: profileFields.description.default(''),
  visibility: profileFields.visibility,
  changeNote: z.string().trim().max(1000).default(''),
  version: versionField,
  items: rows(z.strictObject({ key: itemKeySchema, version: semverSchema, type: z.enum(REQUIREMENT_TYPES), weight: z.coerce.number().int().min(0).max(100), remove: checkbox.optional() })).default([]),
  addKeys: keyList.default([]),
});

export const requestFormSchema = requestCreateSchema;

export const answerFormSchema = z.strictObject({
  key: itemKeySchema,
  major: z.coerce.number().int().min(0).max(999),
  status: z.enum(ANSWER_STATUSES, 'choose an answer'),
  explanation: z.string().trim().max(10_000, 'must be at most 10000 characters').default(''),
  links: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(/\r?\n/)
              .map((line) => line.trim())
              .filter(Boolean)
              .map((line) => {
                const [url = '', ...title] = line.split(/\s+/);
                return { url, title: title.join(' ') };
              })
          : v,
      z.array(answerLinkSchema).max(20),
    )
    .default([]),
  validUntil: z.preprocess(emptyToUndefined, isoDate.optional()),
  version: z.preprocess(emptyToUndefined, versionField.optional()),
  profileId: z.preprocess(emptyToUndefined, z.uuid().optional()),
});

export const verificationFormSchema = z.strictObject({
  decision: z.enum(VERIFICATION_DECISIONS, 'choose a decision'),
  noteForVendor: z.string().trim().max(5000).default(''),
  internalNote: z.string().trim().max(5000).default(''),
  organisationId,
  version: versionField,
});

export const messageFormSchema = z.strictObject({ body: messageCreateSchema.shape.body, organisationId });
export const evidenceUploadSchema = z.strictObject({});

// Response bodies, for the OpenAPI document.
const dateTime = z.string().describe('ISO 8601 date and time');

export const profileSummarySchema = z
  .object({
    id: z.uuid(),
    slug: z.string().nullable(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(PROFILE_VISIBILITIES),
    ownerOrganisationId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    currentVersion: z.number(),
    updatedAt: dateTime,
  })
  .meta({ id: 'AssessmentProfileSummary' });

export const profileItemSchema = z
  .object({
    key: z.string(),
    libraryVersion: z.string(),
    major: z.number(),
    type: z.enum(REQUIREMENT_TYPES),
    weight: z.number(),
    title: z.string(),
    kind: z.enum(ITEM_KINDS).nullable(),
    category: z.enum(CATEGORIES).nullable(),
  })
  .meta({ id: 'AssessmentProfileItem' });

export const profileSchema = profileSummarySchema
  .extend({
    version: z.number().int().min(1).describe('The version these items belong to. Every change makes a new version: send the current one back (or If-Match with the ETag) to change the profile'),
    items: z.array(profileItemSchema),
    versions: z.array(z.object({ version: z.number(), changeNote: z.string(), createdAt: dateTime })),
    canEdit: z.boolean(),
  })
  .meta({ id: 'AssessmentProfile' });

export const scoreSchema = z
  .object({
    score: z.number().nullable().describe('0-100 with one decimal; null when no evaluated item carries weight'),
    qualification: z.enum(QUALIFICATIONS).describe('qualified: every A and AV item passes; open: none disqualifies but some are not yet answered or verified; disqualified: at least one fails'),
    disqualified: z.boolean().describe('The same as qualification = disqualified'),
    findings: z
      .array(z.object({ key: z.string(), reason: z.enum(ABSOLUTE_REASONS), disqualifies: z.boolean() }).meta({ id: 'AbsoluteFinding' }))
      .describe('Each A or AV item that does not pass, in profile order, with the reason'),
    failingAbsolute: z.array(z.string()).describe('A and AV items that disqualify, whatever the reason'),
    unansweredAbsolute: z.array(z.string()).describe('A and AV items without any answer; never an answered one'),
    pendingAbsolute: z.array(z.string()).describe('A and AV items answered but not yet verified'),
    rejectedAbsolute: z.array(z.string()).describe('A and AV items whose answer a reviewer rejected'),
    expiredAbsolute: z.array(z.string()).describe('A and AV items whose acceptance or valid-until date has passed'),
    declaredAbsolute: z.array(z.string()).describe('A and AV items the vendor answered partly or does not meet'),
    answered: z.number(),
    total: z.number(),
    coverage: z.number().describe('Share of items answered, 0-100'),
  })
  .meta({ id: 'Score' });

export const productScoreSchema = z.object({ claimed: scoreSchema, verified: scoreSchema, verifiedShare: z.number() }).meta({ id: 'ProductScore' });

export const cellSchema = z
  .object({
    key: z.string(),
    major: z.number(),
    answerId: z.uuid().nullable(),
    status: z.enum(ANSWER_STATUSES).nullable(),
    verification: z.enum(VERIFICATION_STATES).nullable(),
    lapsed: z.boolean().describe('The answer\'s valid-until date has passed; it no longer counts'),
    verdict: z.enum(VERDICTS).describe('Where the answer stands with the council: accepted, rejected, pending (not yet verified), expired, or unanswered'),
  })
  .meta({ id: 'AssessmentCell' });

export const answerSchema = z
  .object({
    id: z.uuid(),
    productVersionId: z.uuid(),
    productId: z.uuid(),
    productName: z.string(),
    versionLabel: z.string(),
    vendorOrganisationId: z.uuid(),
    vendorName: z.string(),
    key: z.string(),
    major: z.number(),
    status: z.enum(ANSWER_STATUSES),
    explanation: z.string(),
    links: z.array(z.object({ url: z.string(), title: z.string() })),
    validUntil: z.string().nullable(),
    revision: z.number(),
    version: versionOut.meta({ description: 'The thread\'s version: raised by every revision and every review; send it back to revise or review' }),
    isCurrent: z.boolean(),
    answeredAt: dateTime,
    verification: z.enum(VERIFICATION_STATES),
    lapsed: z.boolean(),
  })
  .meta({ id: 'Answer' });

export const verificationSchema = z
  .object({
    id: z.uuid(),
    answerId: z.uuid(),
    answerRevision: z.number(),
    decision: z.enum(VERIFICATION_DECISIONS),
    noteForVendor: z.string(),
    internalNote: z.string().optional().describe('Only for members of the reviewing organisation; never for vendors'),
    assessorOrganisationId: z.uuid(),
    assessorName: z.string(),
    decidedAt: dateTime,
    expiresAt: dateTime,
  })
  .meta({ id: 'Verification' });

export const evidenceSchema = z
  .object({ id: z.uuid(), answerId: z.uuid(), answerRevision: z.number().optional(), filename: z.string(), contentType: z.string(), size: z.number(), sha256: z.string(), uploadedAt: dateTime, checkRunId: z.uuid().nullable().optional().describe('The machine check this upload queued, when the requirement declares checks') })
  .meta({ id: 'Evidence' });

export const messageSchema = z.object({ id: z.uuid(), body: z.string(), authorName: z.string().nullable(), createdAt: dateTime }).meta({ id: 'AnswerMessage' });

export const answerDetailSchema = answerSchema
  .extend({
    history: z.array(z.object({ id: z.uuid(), revision: z.number(), status: z.enum(ANSWER_STATUSES), explanation: z.string(), links: z.array(z.object({ url: z.string(), title: z.string() })), validUntil: z.string().nullable(), answeredAt: dateTime })),
    verifications: z.array(verificationSchema),
    evidence: z.array(evidenceSchema),
    messages: z.array(messageSchema),
  })
  .meta({ id: 'AnswerDetail' });

const requirementSchema = z.object({ key: z.string(), libraryVersion: z.string(), major: z.number(), type: z.enum(REQUIREMENT_TYPES), weight: z.number(), title: z.string() });
const profileRefSchema = z.object({ id: z.uuid(), name: z.string(), version: z.number() });
const productRefShape = { productId: z.uuid(), name: z.string(), vendorName: z.string(), versionId: z.uuid().nullable(), versionLabel: z.string().nullable() };

export const comparisonSchema = z
  .object({
    profile: profileRefSchema,
    requirements: z.array(requirementSchema),
    products: z.array(z.object({ ...productRefShape, score: productScoreSchema, cells: z.array(cellSchema) })),
    page: z.number(),
    pageSize: z.number(),
    total: z.number(),
  })
  .meta({ id: 'Comparison' });

export const rankingSchema = z
  .object({
    profile: profileRefSchema,
    basis: z.enum(['claimed', 'verified']),
    items: z.array(z.object({ rank: z.number(), ...productRefShape, score: productScoreSchema })),
    page: z.number(),
    pageSize: z.number(),
    total: z.number(),
  })
  .meta({ id: 'Ranking' });

export const scoreDetailSchema = z
  .object({ profile: profileRefSchema, productVersionId: z.uuid(), score: productScoreSchema, cells: z.array(cellSchema) })
  .meta({ id: 'ScoreDetail' });

export const threadItemSchema = z
  .object({
    answerId: z.uuid(),
    productVersionId: z.uuid(),
    productId: z.uuid(),
    productName: z.string(),
    versionLabel: z.string(),
    vendorName: z.string(),
    key: z.string(),
    major: z.number(),
    status: z.enum(ANSWER_STATUSES),
    revision: z.number(),
    answeredAt: dateTime,
    reason: z.string().describe('expired, changed or unverified in the queue; rejected or change_requested in feedback'),
    decidedAt: dateTime.nullable(),
    expiresAt: dateTime.nullable(),
  })
  .meta({ id: 'AnswerThread' });

export const queueSchema = z.object({ items: z.array(threadItemSchema), page: z.number(), pageSize: z.number(), total: z.number() }).meta({ id: 'ReviewQueue' });
export const feedbackSchema = z
  .object({ items: z.array(threadItemSchema.extend({ noteForVendor: z.string() })), page: z.number(), pageSize: z.number(), total: z.number() })
  .meta({ id: 'VendorFeedback' });

export const registerSchema = z
  .object({
    profiles: z.array(z.object({ id: z.uuid(), name: z.string() })),
    profile: profileRefSchema.nullable(),
    requirements: z.array(requirementSchema),
    products: z.array(z.object({ productId: z.uuid(), name: z.string(), vendorName: z.string(), versionLabel: z.string().nullable(), cells: z.array(z.object({ key: z.string(), status: z.enum(ANSWER_STATUSES).nullable().describe('Only verified statuses; null when not verified') })) })),
    page: z.number(),
    pageSize: z.number(),
    total: z.number(),
  })
  .meta({ id: 'PublicRegister' });

export const requestListSchema = pagedListSchema(z.object({ productId: z.uuid(), productName: z.string(), requestedByOrganisationId: z.uuid(), createdAt: dateTime }));
