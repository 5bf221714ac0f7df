import type { RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Services } from '../services';
import { AppError, badRequest, isAppError } from '../shared/errors';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { revisionNotFound } from './joint-sets.errors';
import { buildConsultationReportDocx } from './joint-sets.report.docx';
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
  sectionSchema,
  setParams,
  signoffSchema,
  tenderFromSetSchema,
  transitionSchema,
  withdrawQuerySchema,
} from './joint-sets.schemas';
import type { Coordination, RevisionView, SetView } from './joint-sets.service';
import type { JointSetRevisionRow } from './joint-sets.table';
import { diffBody } from './joint-sets.diff';
import { jointSetPageRoutes } from './joint-sets.pages';

type Ctx<P = unknown, Q = unknown, B = unknown> = RouteContext<P, Q, B, 'user'>;
type RevisionParams = { setId: string; number: number };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function revisionSummary(r: JointSetRevisionRow) {
  return { number: r.number, status: r.status, basedOn: r.basedOnNumber, changeNote: r.changeNote, createdAt: r.createdAt.toISOString(), consultationStartedAt: iso(r.consultationStartedAt), adoptedAt: iso(r.adoptedAt), supersededAt: iso(r.supersededAt), imported: r.importedAt !== null };
}

export function setBody(view: SetView) {
  return {
    id: view.set.id,
    title: view.set.title,
    description: view.set.description,
    domain: view.set.domain,
    isPublic: view.set.isPublic,
    coordinator: { organisationId: view.set.coordinatorOrganisationId, name: view.coordinatorName },
    participants: view.participants.map((p) => ({ organisationId: p.organisationId, name: p.name, status: p.status, invitedAt: p.invitedAt.toISOString(), respondedAt: iso(p.respondedAt) })),
    revisions: view.revisions.map(revisionSummary),
    access: { isParticipant: view.access.isParticipant, isCoordinator: view.access.isCoordinator },
  };
}

export function coordinationBody(revision: JointSetRevisionRow, c: Coordination) {
  const signoff = (s: Coordination['signed'][number]) => ({ organisationId: s.organisationId, name: s.organisationName, decision: s.decision, note: s.note, by: s.userName, at: s.decidedAt.toISOString() });
  return { revision: revision.number, status: revision.status, signed: c.signed.map(signoff), declined: c.declined.map(signoff), pending: c.pending, imported: c.imported };
}

export function revisionBody(view: RevisionView, lang: 'nb' | 'en') {
  const keys = new Map(view.sections.flatMap((s) => s.items).map((i) => [i.id, i.libraryKey]));
  return {
    setId: view.set.id,
    number: view.revision.number,
    status: view.revision.status,
    basedOn: view.revision.basedOnNumber,
    changeNote: view.revision.changeNote,
    adoptedAt: iso(view.revision.adoptedAt),
    sections: view.sections.map((s) => ({
      id: s.id,
      title: s.title,
      position: s.position,
      items: s.items.map((i) => ({ id: i.id, key: i.libraryKey, version: i.libraryVersion, title: i.library?.title[lang] ?? i.libraryKey, kind: i.library?.kind ?? null, type: i.type, weight: i.weight, parameterValues: i.parameterValues })),
    })),
    comments:
      view.comments?.map((c) => ({ id: c.id, itemId: c.itemId, key: keys.get(c.itemId) ?? '', organisationId: c.organisationId, organisation: c.organisationName, author: c.authorName, position: c.position, text: c.text, createdAt: c.createdAt.toISOString(), resolution: c.resolution, response: c.response, resolvedAt: iso(c.resolvedAt) })) ?? null,
    deviations: view.deviations?.map(deviationBody) ?? null,
    coordination: coordinationBody(view.revision, view.coordination),
  };
}

export function deviationBody(d: NonNullable<RevisionView['deviations']>[number]) {
  return { id: d.id, key: d.libraryKey, organisationId: d.organisationId, organisation: d.organisationName, kind: d.kind, type: d.type, weight: d.weight, parameterValues: d.parameterValues, justification: d.justification, updatedAt: d.updatedAt.toISOString() };
}

/** Reads the uploaded package; a broken multipart body is the client's fault. */
function singleFile(upload: multer.Multer): RequestHandler {
  const read = upload.single('file');
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
}

export function jointSetRoutes(services: Services, uploadLimitBytes: number): RouteDefinition[] {
  const jointSets = services.jointSets;
  const packages = services.jointSetPackages;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: uploadLimitBytes, files: 1, fields: 10 } });
  const api = (spec: Record<string, unknown>) => defineRoute({ ...spec, surface: 'api', access: 'user', tags: ['Joint requirement sets'] } as never);
  const noContent = { successStatus: 204, responses: [{ status: 204, description: 'Done' }] };
  const revisionOut = async (ctx: Ctx<RevisionParams>) => revisionBody(await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number), ctx.locale);

  async function reportDocx(ctx: Ctx<RevisionParams>) {
    const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
    if (!view.access.isParticipant) throw revisionNotFound();
    const bytes = await buildConsultationReportDocx(view, ctx.locale);
    const sha256 = await jointSets.recordReport(ctx.actor, ctx.params.setId, ctx.params.number, bytes, ctx.audit);
    ctx.res.set('X-Content-SHA256', sha256);
    ctx.res.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').attachment(`consultation-report-rev${view.revision.number}.docx`).send(bytes);
  }

  async function exportPackage(ctx: Ctx<RevisionParams>) {
    const file = await packages.exportRevision(ctx.actor, ctx.params.setId, ctx.params.number, ctx.audit);
    ctx.res.type('application/zip').attachment(file.filename).send(file.bytes);
  }

  function uploadedPackage(ctx: Ctx): Buffer {
    const file = ctx.req.file;
    if (!file) throw badRequest('joint_set.package_missing', 'Attach the package as the field "file".', [{ path: 'file', message: 'is required' }]);
    return file.buffer;
  }

  return [
    api({
      method: 'get',
      path: '/api/joint-sets',
      summary: 'Joint requirement sets your organisations take part in, and public sets with an adopted revision',
      responses: [{ status: 200, description: 'Sets', schema: z.object({ items: z.array(z.object({ id: z.uuid(), title: z.string(), coordinator: z.string(), isPublic: z.boolean(), revisions: z.array(jointSetSchema.shape.revisions.element) })) }) }],
      handler: async (ctx: Ctx) => ({ items: (await jointSets.list(ctx.actor)).map((s) => ({ id: s.id, title: s.title, coordinator: s.coordinatorName, isPublic: s.isPublic, revisions: s.revisions.map(revisionSummary) })) }),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets',
      summary: 'Start a joint requirement set coordinated by one of your buyer organisations; revision 1 starts as a draft',
      body: jointSetCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: jointSetSchema }],
      handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof jointSetCreateSchema>>) => setBody(await jointSets.view(ctx.actor, (await jointSets.create(ctx.actor, ctx.body, ctx.audit)).id)),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/import',
      summary: 'Import a revision package exported from another installation (multipart: file, organisationId)',
      description: 'Keys and versions are kept. A library version that exists here with other content is named in 409 joint_set.package_conflict, and nothing is imported.',
      bodyType: 'multipart',
      body: importSchema,
      middleware: [singleFile(upload)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Imported', schema: z.object({ setId: z.uuid(), number: z.number(), libraryVersionsAdded: z.array(z.string()) }) }],
      handler: (ctx: Ctx<unknown, unknown, z.infer<typeof importSchema>>) => packages.importPackage(ctx.actor, uploadedPackage(ctx), ctx.body, ctx.audit),
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId',
      summary: 'A joint set with its participants and the revisions you may read',
      params: setParams,
      responses: [{ status: 200, description: 'The set', schema: jointSetSchema }],
      handler: async (ctx: Ctx<{ setId: string }>) => setBody(await jointSets.view(ctx.actor, ctx.params.setId)),
    }),
    api({
      method: 'patch',
      path: '/api/joint-sets/:setId',
      summary: 'Change the set\'s title, description, domain or whether adopted revisions are public',
      params: setParams,
      body: jointSetUpdateSchema,
      responses: [{ status: 200, description: 'The set', schema: jointSetSchema }],
      handler: async (ctx: Ctx<{ setId: string }, unknown, z.infer<typeof jointSetUpdateSchema>>) => {
        await jointSets.update(ctx.actor, ctx.params.setId, ctx.body, ctx.audit);
        return setBody(await jointSets.view(ctx.actor, ctx.params.setId));
      },
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/participants/:organisationId',
      summary: 'Invite a buyer organisation to take part (the coordinator)',
      params: participantParams,
      ...noContent,
      handler: async (ctx: Ctx<{ setId: string; organisationId: string }>) => {
        await jointSets.invite(ctx.actor, ctx.params.setId, ctx.params.organisationId, ctx.audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/participants/:organisationId',
      summary: 'Remove a participant (the coordinator)',
      params: participantParams,
      ...noContent,
      handler: async (ctx: Ctx<{ setId: string; organisationId: string }>) => {
        await jointSets.removeParticipant(ctx.actor, ctx.params.setId, ctx.params.organisationId, ctx.audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/invitation',
      summary: 'Accept or decline your organisation\'s invitation',
      params: setParams,
      body: respondSchema,
      ...noContent,
      handler: async (ctx: Ctx<{ setId: string }, unknown, z.infer<typeof respondSchema>>) => {
        await jointSets.respond(ctx.actor, ctx.params.setId, ctx.body, ctx.audit);
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
      handler: async (ctx: Ctx<{ setId: string }, unknown, z.infer<typeof newRevisionSchema>>) => {
        const revision = await jointSets.newRevision(ctx.actor, ctx.params.setId, ctx.body, ctx.audit);
        return revisionBody(await jointSets.revision(ctx.actor, ctx.params.setId, revision.number), ctx.locale);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number',
      summary: 'A revision with its sections and items; participants also get comments and deviations',
      params: revisionParams,
      responses: [{ status: 200, description: 'The revision', schema: revisionSchema }],
      handler: revisionOut,
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/items',
      summary: 'Add library items, pinned to their newest published version (draft only)',
      params: revisionParams,
      body: addItemsSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'What was added and what was already there', schema: z.object({ added: z.array(z.string()), skipped: z.array(z.string()) }) }],
      handler: (ctx: Ctx<RevisionParams, unknown, z.infer<typeof addItemsSchema>>) => jointSets.addItems(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body.keys, ctx.audit),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/items/:itemId',
      summary: 'Change an item\'s default type, weight, parameter values, section or pinned version (draft only)',
      params: itemParams,
      body: itemUpdateSchema,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams & { itemId: string }, unknown, z.infer<typeof itemUpdateSchema>>) => {
        await jointSets.updateItem(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.itemId, ctx.body, ctx.audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/revisions/:number/items/:itemId',
      summary: 'Remove an item (draft only)',
      params: itemParams,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams & { itemId: string }>) => {
        await jointSets.removeItem(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.itemId, ctx.audit);
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
      handler: async (ctx: Ctx<RevisionParams, unknown, z.infer<typeof sectionSchema>>) => {
        const section = await jointSets.addSection(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body.title, ctx.audit);
        return { id: section.id, title: section.title };
      },
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      summary: 'Rename a section (draft only)',
      params: sectionParams,
      body: sectionSchema,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams & { sectionId: string }, unknown, z.infer<typeof sectionSchema>>) => {
        await jointSets.renameSection(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.sectionId, ctx.body.title, ctx.audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/joint-sets/:setId/revisions/:number/sections/:sectionId',
      summary: 'Remove an empty section (draft only)',
      params: sectionParams,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams & { sectionId: string }>) => {
        await jointSets.removeSection(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.sectionId, ctx.audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/transition',
      summary: 'Move a revision: draft → consultation, consultation → draft, consultation → adopted (the coordinator)',
      description: 'Adopting needs every consultation comment resolved (409 joint_set.unresolved_comments) and supersedes the previously adopted revision.',
      params: revisionParams,
      body: transitionSchema,
      responses: [{ status: 200, description: 'The revision', schema: revisionSchema }],
      handler: async (ctx: Ctx<RevisionParams, unknown, z.infer<typeof transitionSchema>>) => {
        await jointSets.transition(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body.to, ctx.audit);
        return revisionOut(ctx as never);
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
      handler: async (ctx: Ctx<RevisionParams, unknown, z.infer<typeof commentSchema>>) => ({ id: (await jointSets.comment(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body, ctx.audit)).id }),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/comments/:commentId/resolution',
      summary: 'Answer and resolve a comment (the coordinator, during consultation)',
      params: commentParams,
      body: resolutionSchema,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams & { commentId: string }, unknown, z.infer<typeof resolutionSchema>>) => {
        await jointSets.resolveComment(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.commentId, ctx.body, ctx.audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/consultation-report',
      summary: 'The consultation report as DOCX: items, comments and resolutions',
      params: revisionParams,
      responses: [{ status: 200, description: 'The report', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', schema: z.string() }],
      handler: reportDocx,
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/coordination',
      summary: 'Sign-off status: organisations that signed, declined, or have not decided yet',
      params: revisionParams,
      responses: [{ status: 200, description: 'Sign-offs', schema: coordinationSchema }],
      handler: async (ctx: Ctx<RevisionParams>) => {
        const c = await jointSets.coordination(ctx.actor, ctx.params.setId, ctx.params.number);
        return coordinationBody(c.revision, c);
      },
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/signoffs',
      summary: 'Sign off (final) or decline the adopted revision for your organisation (owners)',
      params: revisionParams,
      body: signoffSchema,
      ...noContent,
      handler: async (ctx: Ctx<RevisionParams, unknown, z.infer<typeof signoffSchema>>) => {
        await jointSets.signoff(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body, ctx.audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/deviations',
      summary: 'Every participant\'s local deviations from the revision (participants)',
      params: revisionParams,
      responses: [{ status: 200, description: 'Deviations by organisation', schema: z.object({ items: z.array(deviationOutSchema) }) }],
      handler: async (ctx: Ctx<RevisionParams>) => ({ items: (await jointSets.deviations(ctx.actor, ctx.params.setId, ctx.params.number)).deviations.map(deviationBody) }),
    }),
    api({
      method: 'put',
      path: '/api/joint-sets/:setId/revisions/:number/deviations/:key',
      summary: 'Declare your organisation\'s deviation from an item: leave it out, or another type, weight or parameter values, with a justification',
      params: deviationParams,
      body: deviationSchema,
      responses: [{ status: 200, description: 'The deviation', schema: z.object({ id: z.uuid(), key: z.string(), kind: z.string() }) }],
      handler: async (ctx: Ctx<RevisionParams & { key: string }, unknown, z.infer<typeof deviationSchema>>) => {
        const saved = await jointSets.declareDeviation(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.key, ctx.body, ctx.audit);
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
      handler: async (ctx: Ctx<RevisionParams & { key: string }, z.infer<typeof withdrawQuerySchema>>) => {
        await jointSets.withdrawDeviation(ctx.actor, ctx.params.setId, ctx.params.number, ctx.params.key, ctx.query.organisationId, ctx.audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/diff',
      summary: 'What changed between two revisions: items added, removed, pinned to another version (with the library diff), type, weight, parameter and section changes',
      params: setParams,
      query: diffQuerySchema,
      responses: [{ status: 200, description: 'The diff', schema: diffSchema }],
      handler: async (ctx: Ctx<{ setId: string }, z.infer<typeof diffQuerySchema>>) => {
        const { from, to, diff } = await jointSets.diff(ctx.actor, ctx.params.setId, ctx.query.from, ctx.query.to);
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
      responses: [{ status: 201, description: 'The tender', schema: z.object({ id: z.uuid() }) }],
      handler: (ctx: Ctx<RevisionParams, unknown, z.infer<typeof tenderFromSetSchema>>) => jointSets.createTender(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body, ctx.audit),
    }),
    api({
      method: 'post',
      path: '/api/joint-sets/:setId/revisions/:number/profiles',
      summary: 'Make an assessment profile from an adopted revision\'s requirements',
      params: revisionParams,
      body: profileFromSetSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The profile', schema: z.object({ id: z.uuid() }) }],
      handler: (ctx: Ctx<RevisionParams, unknown, z.infer<typeof profileFromSetSchema>>) => jointSets.createProfile(ctx.actor, ctx.params.setId, ctx.params.number, ctx.body, ctx.audit),
    }),
    api({
      method: 'get',
      path: '/api/joint-sets/:setId/revisions/:number/package',
      summary: 'Export an adopted revision as one zip for another installation: the set, the revision and every pinned library version in the library\'s file format',
      params: revisionParams,
      responses: [{ status: 200, description: 'The package', contentType: 'application/zip', schema: z.string() }],
      handler: exportPackage,
    }),

    ...jointSetPageRoutes({ services, upload, singleFile, reportDocx, exportPackage, uploadedPackage }),
  ];
}
