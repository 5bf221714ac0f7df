import { z } from 'zod';
import { sendDownload } from '../shared/http/download';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import { diffBody } from './joint-sets.diff';
import { packageMissing } from './joint-sets.errors';
import { PACKAGE_UPLOAD_FIELDS, type JointSetPackages } from './joint-sets.package';
import {
  addItemsSchema,
  commentParams,
  commentSchema,
  coordinationSchema,
  deviationOutSchema,
  deviationParams,
  deviationSchema,
  diffQuerySchema,
  diffSchema,
  importSchema,
  inviteApiSchema,
  itemParams,
  itemUpdateSchema,
  jointSetCreateSchema,
  jointSetSchema,
  jointSetUpdateSchema,
  newRevisionSchema,
  participantParams,
  profileFromSetSchema,
  resolutionSchema,
  respondSchema,
  revisionParams,
  revisionSchema,
  sectionParams,
  sectionRenameSchema,
  sectionSchema,
  setParams,
  signoffSchema,
  tenderFromSetSchema,
  transitionSchema,
  withdrawQuerySchema,
} from './joint-sets.schemas';
import type { JointSetsService } from './joint-sets.service';
import { tenderSchema } from '../tenders/tenders.schemas';
import type { TendersService } from '../tenders/tenders.service';
import { tenderBody } from '../tenders/tenders.views';
import { coordinationBody, deviationBody, revisionBody, setBody, setListBody } from './joint-sets.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Joint requirement sets'] });
const noContent = { successStatus: 204, responses: [{ status: 204, description: 'Done' }] };

export function jointSetApi(deps: { jointSets: JointSetsService; jointSetPackages: JointSetPackages; tenders: Pick<TendersService, 'view'> }, uploadLimitBytes: number): RouteDefinition[] {
  const { jointSets, jointSetPackages: packages, tenders } = deps;

  return [
    api({
      method: 'get',
      path: '/api/joint-sets',
      summary: 'Joint requirement sets your organisations take part in, and public sets with an adopted revision',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Sets', schema: pagedListSchema(z.object({ id: z.uuid(), title: z.string(), coordinator: z.string(), isPublic: z.boolean(), revisions: z.array(jointSetSchema.shape.revisions.element) })) }],
      handler: async ({ actor, query }) => pageOf(setListBody(await jointSets.list(actor)).items, query),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets',
      summary: 'Start a joint requirement set coordinated by one of your buyer organisations; revision 1 starts as a draft',
      body: jointSetCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: jointSetSchema }],
      handler: async ({ actor, body, audit }) => setBody(await jointSets.view(actor, (await jointSets.create(actor, body, audit)).id)),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/import',
      summary: 'Import a revision package exported from another installation (multipart: file, organisationId)',
      description: 'Keys and versions are kept. A library version that exists here with other content is named in 409 joint_set.package_conflict, and nothing is imported.',
      bodyType: 'multipart',
      body: importSchema,
      middleware: [singleFileUpload(uploadLimitBytes, PACKAGE_UPLOAD_FIELDS)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Imported', schema: z.object({ setId: z.uuid(), number: z.number(), libraryVersionsAdded: z.array(z.string()) }) }],
      handler: ({ actor, req, body, audit }) => packages.importPackage(actor, uploadedFile(req, packageMissing).buffer, body, audit),
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId',
      summary: 'A joint set with its participants and the revisions you may read',
      params: setParams,
      etag: true,
      responses: [{ status: 200, description: 'The set', schema: jointSetSchema }],
      handler: async ({ actor, params }) => setBody(await jointSets.view(actor, params.setId)),
    }),
    api({
      method: 'patch',
      path: '/api/joint-sets/:setId',
      summary: 'Change the set\'s title, description, domain or whether adopted revisions are public',
      params: setParams,
      body: jointSetUpdateSchema,
      versioned: true,
      etag: true,
      responses: [{ status: 200, description: 'The set', schema: jointSetSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.update(actor, params.setId, body, audit);
        return setBody(await jointSets.view(actor, params.setId));
      },
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/participants/:organisationId',
      summary: 'Invite a buyer organisation to take part (the coordinator)',
      description: 'The participants are part of the set: send the set\'s version (body `version` or If-Match).',
      params: participantParams,
      body: inviteApiSchema,
      versioned: true,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.invite(actor, params.setId, params.organisationId, body.version, audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/participants/:organisationId',
      summary: 'Remove a participant (the coordinator)',
      params: participantParams,
      ...noContent,
      handler: async ({ actor, params, audit }) => {
        await jointSets.removeParticipant(actor, params.setId, params.organisationId, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/invitation',
      summary: 'Accept or decline your organisation\'s invitation',
      params: setParams,
      body: respondSchema,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.respond(actor, params.setId, body, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions',
      summary: 'Start a new revision as a draft copy of the adopted one (the coordinator)',
      params: setParams,
      body: newRevisionSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The new draft', schema: revisionSchema }],
      handler: async ({ actor, params, body, audit, locale }) => {
        const revision = await jointSets.newRevision(actor, params.setId, body, audit);
        return revisionBody(await jointSets.revision(actor, params.setId, revision.number), locale);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number',
      summary: 'A revision with its sections and items; participants also get comments and deviations',
      params: revisionParams,
      etag: true,
      responses: [{ status: 200, description: 'The revision', schema: revisionSchema }],
      handler: async ({ actor, params, locale }) => revisionBody(await jointSets.revision(actor, params.setId, params.number), locale),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/items',
      summary: 'Add library items, pinned to their newest published version (draft only)',
      params: revisionParams,
      body: addItemsSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'What was added and what was already there', schema: z.object({ added: z.array(z.string()), skipped: z.array(z.string()) }) }],
      handler: ({ actor, params, body, audit }) => jointSets.addItems(actor, params.setId, params.number, body.keys, audit),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/items/:itemId',
      summary: 'Change an item\'s default type, weight, parameter values, section or pinned version (draft only)',
      params: itemParams,
      body: itemUpdateSchema,
      versioned: true,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.updateItem(actor, params.setId, params.number, params.itemId, body, audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/revisions/:number/items/:itemId',
      summary: 'Remove an item (draft only)',
      params: itemParams,
      ...noContent,
      handler: async ({ actor, params, audit }) => {
        await jointSets.removeItem(actor, params.setId, params.number, params.itemId, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/sections',
      summary: 'Add a section (draft only)',
      params: revisionParams,
      body: sectionSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: z.object({ id: z.uuid(), title: z.string() }) }],
      handler: async ({ actor, params, body, audit }) => {
        const section = await jointSets.addSection(actor, params.setId, params.number, body.title, audit);
        return { id: section.id, title: section.title };
      },
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      summary: 'Rename a section (draft only)',
      params: sectionParams,
      body: sectionRenameSchema,
      versioned: true,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.renameSection(actor, params.setId, params.number, params.sectionId, body.title, body.version, audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      summary: 'Remove an empty section (draft only)',
      params: sectionParams,
      ...noContent,
      handler: async ({ actor, params, audit }) => {
        await jointSets.removeSection(actor, params.setId, params.number, params.sectionId, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/transition',
      summary: 'Move a revision: draft → consultation, consultation → draft, consultation → adopted (the coordinator)',
      description: 'Adopting needs every consultation comment resolved (409 joint_set.unresolved_comments) and supersedes the previously adopted revision.',
      params: revisionParams,
      body: transitionSchema,
      versioned: true,
      etag: true,
      responses: [{ status: 200, description: 'The revision', schema: revisionSchema }],
      handler: async ({ actor, params, body, audit, locale }) => {
        await jointSets.transition(actor, params.setId, params.number, body.to, body.version, audit);
        return revisionBody(await jointSets.revision(actor, params.setId, params.number), locale);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/comments',
      summary: 'Comment on an item during consultation: agree, propose a change or object',
      params: revisionParams,
      body: commentSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: z.object({ id: z.uuid() }) }],
      handler: async ({ actor, params, body, audit }) => ({ id: (await jointSets.comment(actor, params.setId, params.number, body, audit)).id }),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/comments/:commentId/resolution',
      summary: 'Answer and resolve a comment (the coordinator, during consultation)',
      params: commentParams,
      body: resolutionSchema,
      versioned: true,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.resolveComment(actor, params.setId, params.number, params.commentId, body, audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/consultation-report',
      summary: 'The consultation report as DOCX: items, comments and resolutions',
      params: revisionParams,
      responses: [{ status: 200, description: 'The report', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', schema: z.string() }],
      handler: async ({ actor, params, locale, audit, res }) => sendDownload(res, await jointSets.consultationReport(actor, params.setId, params.number, locale, audit)),
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/coordination',
      summary: 'Sign-off status: organisations that signed, declined, or have not decided yet',
      params: revisionParams,
      responses: [{ status: 200, description: 'Sign-offs', schema: coordinationSchema }],
      handler: async ({ actor, params }) => {
        const coordination = await jointSets.coordination(actor, params.setId, params.number);
        return coordinationBody(coordination.revision, coordination);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/signoffs',
      summary: 'Sign off (final) or decline the adopted revision for your organisation (owners)',
      params: revisionParams,
      body: signoffSchema,
      ...noContent,
      handler: async ({ actor, params, body, audit }) => {
        await jointSets.signoff(actor, params.setId, params.number, body, audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/deviations',
      summary: 'Every participant\'s local deviations from the revision (participants)',
      params: revisionParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Deviations by organisation', schema: pagedListSchema(deviationOutSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await jointSets.deviations(actor, params.setId, params.number)).deviations.map(deviationBody), query),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/deviations/:key',
      summary: 'Declare your organisation\'s deviation from an item: leave it out, or another type, weight or parameter values, with a justification',
      description: 'Send the version of your deviation you read (0 when you had none), in the body or as If-Match.',
      params: deviationParams,
      body: deviationSchema,
      versioned: true,
      responses: [{ status: 200, description: 'The deviation', schema: z.object({ id: z.uuid(), key: z.string(), kind: z.string() }) }],
      handler: async ({ actor, params, body, audit }) => {
        const saved = await jointSets.declareDeviation(actor, params.setId, params.number, params.key, body, audit);
        return { id: saved.id, key: saved.libraryKey, kind: saved.kind };
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/revisions/:number/deviations/:key',
      summary: 'Withdraw your organisation\'s deviation from an item',
      params: deviationParams,
      query: withdrawQuerySchema,
      ...noContent,
      handler: async ({ actor, params, query, audit }) => {
        await jointSets.withdrawDeviation(actor, params.setId, params.number, params.key, query.organisationId, audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/diff',
      summary: 'What changed between two revisions: items added, removed, pinned to another version (with the library diff), type, weight, parameter and section changes',
      params: setParams,
      query: diffQuerySchema,
      responses: [{ status: 200, description: 'The diff', schema: diffSchema }],
      handler: async ({ actor, params, query }) => {
        const { from, to, diff } = await jointSets.diff(actor, params.setId, query.from, query.to);
        return diffBody(from.number, to.number, diff);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/tenders',
      summary: 'Start a tender from the adopted revision, with your organisation\'s deviations applied',
      params: revisionParams,
      body: tenderFromSetSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The tender, as GET /api/tenders/{tenderId} answers it', schema: tenderSchema }],
      handler: async ({ actor, params, body, audit }) => {
        const created = await jointSets.createTender(actor, params.setId, params.number, body, audit);
        return tenderBody(await tenders.view(actor, created.id));
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/profiles',
      summary: 'Make an assessment profile from an adopted revision\'s requirements',
      params: revisionParams,
      body: profileFromSetSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The profile', schema: z.object({ id: z.uuid() }) }],
      handler: ({ actor, params, body, audit }) => jointSets.createProfile(actor, params.setId, params.number, body, audit),
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/package',
      summary: 'Export an adopted revision as one zip for another installation: the set, the revision and every pinned library version in the library\'s file format',
      params: revisionParams,
      responses: [{ status: 200, description: 'The package', contentType: 'application/zip', schema: z.string() }],
      handler: async ({ actor, params, audit, res }) => sendDownload(res, await packages.exportRevision(actor, params.setId, params.number, audit)),
    }),
  ];
}
