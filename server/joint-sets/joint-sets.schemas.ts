import { z } from 'zod';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import { itemKeySchema, semverSchema } from '../library/library.schemas';
import { versionField, versionNumber } from '../shared/versioning';
import { parameterValuesSchema, tenderFields } from '../tenders/tenders.schemas';
import { COMMENT_POSITIONS, COMMENT_RESOLUTIONS, DEVIATION_KINDS, PARTICIPANT_STATUSES, REVISION_STATUSES, SIGNOFF_DECISIONS } from './joint-sets.table';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const organisationId = z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional());
const revisionNumber = z.coerce.number('must be a revision number').int('must be a revision number').min(1, 'must be a revision number').max(100_000, 'must be a revision number');
const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean());

export const jointSetFields = {
  title: z.string().trim().min(3, 'must be at least 3 characters').max(300, 'must be at most 300 characters'),
  description: z.string().trim().max(5000, 'must be at most 5000 characters').optional(),
  domain: z.preprocess(emptyToUndefined, z.enum(DOMAINS).nullable().optional()),
};

export const jointSetCreateSchema = z.strictObject({ ...jointSetFields, isPublic: z.boolean().optional(), organisationId });
export const jointSetFormSchema = z.strictObject({ ...jointSetFields, isPublic: checkbox.optional(), organisationId });
export const jointSetUpdateSchema = z.strictObject({ title: jointSetFields.title.optional(), description: jointSetFields.description, domain: jointSetFields.domain, isPublic: z.boolean().optional(), version: versionField });
export const jointSetUpdateFormSchema = z.strictObject({ title: jointSetFields.title, description: jointSetFields.description, domain: jointSetFields.domain, isPublic: checkbox.optional(), version: versionField });

export const setParams = z.strictObject({ setId: z.uuid('must be a joint set id') });
export const participantParams = setParams.extend({ organisationId: z.uuid('must be an organisation id') });
export const revisionParams = setParams.extend({ number: revisionNumber });
export const itemParams = revisionParams.extend({ itemId: z.uuid('must be an item id') });
export const sectionParams = revisionParams.extend({ sectionId: z.uuid('must be a section id') });
export const commentParams = revisionParams.extend({ commentId: z.uuid('must be a comment id') });
export const deviationParams = revisionParams.extend({ key: itemKeySchema });

export const inviteSchema = z.strictObject({ organisationId: z.uuid('choose an organisation'), version: versionField });
/** Inviting through the API: the organisation is in the path; the set's version guards the participants. */
export const inviteApiSchema = z.strictObject({ version: versionField });
export const respondSchema = z.strictObject({ response: z.enum(['accept', 'decline']), organisationId });
export const newRevisionSchema = z.strictObject({ changeNote: z.string().trim().max(2000, 'must be at most 2000 characters').optional() });
export const addItemsSchema = z.strictObject({ keys: z.array(itemKeySchema).min(1, 'name at least one library item').max(500) });
export const itemUpdateSchema = z.strictObject({
  type: z.enum(REQUIREMENT_TYPES).optional(),
  weight: z.number().int().min(0).max(100).optional(),
  parameterValues: parameterValuesSchema.optional(),
  sectionId: z.uuid().optional(),
  libraryVersion: semverSchema.optional(),
  version: versionField,
});
export const sectionSchema = z.strictObject({ title: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters') });
export const sectionRenameSchema = sectionSchema.extend({ version: versionField });
/** Moving a revision on: based on the revision's version (its status and content as read). */
export const transitionSchema = z.strictObject({ to: z.enum(['consultation', 'draft', 'adopted']), version: versionField });
export const commentSchema = z.strictObject({
  itemId: z.uuid('choose an item'),
  position: z.enum(COMMENT_POSITIONS),
  text: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'),
  organisationId,
});
export const resolutionSchema = z.strictObject({ resolution: z.enum(COMMENT_RESOLUTIONS), response: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'), version: versionField });
export const signoffSchema = z.strictObject({ decision: z.enum(SIGNOFF_DECISIONS), note: z.string().trim().max(2000, 'must be at most 2000 characters').optional(), organisationId });
export const deviationSchema = z.strictObject({
  kind: z.enum(DEVIATION_KINDS),
  type: z.enum(REQUIREMENT_TYPES).optional(),
  weight: z.number().int().min(0).max(100).optional(),
  parameterValues: parameterValuesSchema.optional(),
  justification: z.string().trim().min(10, 'must be at least 10 characters: say why').max(5000, 'must be at most 5000 characters'),
  organisationId,
  version: versionNumber(0, 'must be the version you read, 0 if you had none').meta({ description: 'The version of your deviation you read; 0 to declare one you had none of. Or send If-Match instead' }),
});
export const withdrawQuerySchema = z.strictObject({ organisationId });
export const diffQuerySchema = z.strictObject({ from: revisionNumber, to: revisionNumber });
export const tenderFromSetSchema = z.strictObject({
  title: tenderFields.title,
  reference: tenderFields.reference,
  language: tenderFields.language,
  contactName: tenderFields.contactName,
  contactEmail: tenderFields.contactEmail,
  deadline: tenderFields.deadline,
  organisationId,
});
export const profileFromSetSchema = z.strictObject({
  name: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(2000).optional(),
  visibility: z.enum(['private', 'shared', 'public']).optional(),
  organisationId,
});
export const importSchema = z.strictObject({ organisationId });

const participantSchema = z.object({ organisationId: z.uuid(), name: z.string(), status: z.enum(PARTICIPANT_STATUSES), invitedAt: z.string(), respondedAt: z.string().nullable() });
export const revisionSummarySchema = z
  .object({ number: z.number(), status: z.enum(REVISION_STATUSES), basedOn: z.number().nullable(), changeNote: z.string(), createdAt: z.string(), consultationStartedAt: z.string().nullable(), adoptedAt: z.string().nullable(), supersededAt: z.string().nullable(), imported: z.boolean() })
  .meta({ id: 'JointSetRevisionSummary' });
export const jointSetSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    domain: z.string().nullable(),
    isPublic: z.boolean(),
    coordinator: z.object({ organisationId: z.uuid(), name: z.string() }),
    participants: z.array(participantSchema),
    revisions: z.array(revisionSummarySchema),
    access: z.object({ isParticipant: z.boolean(), isCoordinator: z.boolean() }),
    version: z.number().describe('Raised by every change of the set\'s details and participants; send it (or If-Match) to change them'),
  })
  .meta({ id: 'JointSet' });
export const jointSetItemSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  libraryVersion: z.string().describe('The library version the item is pinned to'),
  title: z.string(),
  kind: z.string().nullable(),
  type: z.enum(REQUIREMENT_TYPES),
  weight: z.number(),
  parameterValues: z.record(z.string(), z.unknown()),
  version: z.number().describe('Send it (or If-Match) to change the item'),
});
const signoffSchemaOut = z.object({ organisationId: z.uuid(), name: z.string(), decision: z.enum(SIGNOFF_DECISIONS), note: z.string(), by: z.string(), at: z.string() });
export const coordinationSchema = z
  .object({
    revision: z.number(),
    status: z.enum(REVISION_STATUSES),
    signed: z.array(signoffSchemaOut),
    declined: z.array(signoffSchemaOut),
    pending: z.array(z.object({ organisationId: z.uuid(), name: z.string() })),
    imported: z.array(z.object({ organisation: z.string(), signedAt: z.string() })),
  })
  .meta({ id: 'JointSetCoordination' });
export const commentOutSchema = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  key: z.string(),
  organisationId: z.uuid(),
  organisation: z.string(),
  author: z.string(),
  position: z.enum(COMMENT_POSITIONS),
  text: z.string(),
  createdAt: z.string(),
  resolution: z.enum(COMMENT_RESOLUTIONS).nullable(),
  response: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  version: z.number().describe('Send it (or If-Match) to answer the comment'),
});
export const deviationOutSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  organisationId: z.uuid(),
  organisation: z.string(),
  kind: z.enum(DEVIATION_KINDS),
  type: z.enum(REQUIREMENT_TYPES).nullable(),
  weight: z.number().nullable(),
  parameterValues: z.record(z.string(), z.unknown()).nullable(),
  justification: z.string(),
  updatedAt: z.string(),
  version: z.number().describe('Send it (or If-Match) to change the deviation'),
});
export const revisionSchema = z
  .object({
    setId: z.uuid(),
    number: z.number(),
    status: z.enum(REVISION_STATUSES),
    basedOn: z.number().nullable(),
    changeNote: z.string(),
    adoptedAt: z.string().nullable(),
    version: z.number().describe('Raised by every change of the revision\'s status, items and sections; send it (or If-Match) to move the revision on'),
    sections: z.array(z.object({ id: z.uuid(), title: z.string(), position: z.number(), version: z.number().describe('Send it (or If-Match) to rename the section'), items: z.array(jointSetItemSchema) })),
    comments: z.array(commentOutSchema).nullable(),
    deviations: z.array(deviationOutSchema).nullable(),
    coordination: coordinationSchema,
  })
  .meta({ id: 'JointSetRevision' });
export const diffSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    added: z.array(z.object({ key: z.string(), version: z.string(), section: z.string() })),
    removed: z.array(z.object({ key: z.string(), version: z.string(), section: z.string() })),
    versionChanged: z.array(z.object({ key: z.string(), from: z.string(), to: z.string(), changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown(), words: z.record(z.string(), z.array(z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() }))).optional() })) })),
    changed: z.array(z.object({ key: z.string() }).catchall(z.object({ from: z.unknown(), to: z.unknown() }))),
    unchanged: z.number(),
  })
  .meta({ id: 'JointSetDiff' });
