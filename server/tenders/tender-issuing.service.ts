import { createHash } from 'node:crypto';
import type { Actor, AuditContext } from '../auth/actor';
import { coordinationRecord } from '../documents/coordination';
import type { DocumentItem, DocumentSection, TenderDocumentModel } from '../documents/document-model';
import { generateDocument, type TenderDocumentName } from '../documents/documents';
import { checkParameterValues, renderItemTexts } from '../library/clause-template';
import { diffVersions, type FieldDiff } from '../library/library.versions';
import type { FieldError } from '../shared/errors';
import { isEvaluated, type DocumentView, type TenderLoaders, type TendersServiceDeps, type TenderSummaryView, type TenderView, type TenderViewOf } from './tenders.access';
import { checksFailed, nothingToIssue, revisionNotFound, tenderNotFound } from './tenders.errors';
import { compareAndSet, staleVersion } from '../shared/versioning';

export type CheckResult = {
  ok: boolean;
  errors: (FieldError & { code: string; itemId?: string; key?: string })[];
  notices: { code: 'newer_version'; itemId: string; key: string; from: string; to: string; changes: FieldDiff[] }[];
  weightSum: number;
};

/** A generated tender document, as recorded in the audit log. */
export type GeneratedDocument = { bytes: Buffer; contentType: string; filename: string; sha256: string };

/** A whole view in the form the documents read, for freezing a revision from the checked view. */
function inLanguage(tenderView: TenderView): DocumentView {
  const lang = tenderView.tender.language;
  return {
    ...tenderView,
    sections: tenderView.sections.map((section) => ({
      ...section,
      items: section.items.map((item) => ({
        ...item,
        library: item.library
          ? { key: item.library.key, version: item.library.version, title: item.library.title[lang], text: item.library.text[lang], responseGuidance: item.library.responseGuidance[lang], parameters: item.library.parameters }
          : null,
      })),
    })),
  };
}

function requirementSetOf(model: TenderDocumentModel, tenderView: TenderViewOf<unknown>) {
  const values = new Map(tenderView.sections.flatMap((s) => s.items).map((i) => [i.libraryKey ?? i.customKey, i.effectiveValues]));
  const deviations = new Map(tenderView.sections.flatMap((s) => s.items).map((i) => [i.libraryKey ?? i.customKey, i.jointSetDeviationId]));
  return {
    tender: { id: model.tenderId, title: model.title, reference: model.reference, revision: model.revision, language: model.language, buyers: model.buyers, deadline: model.deadline, domain: tenderView.tender.domain },
    jointSet: coordinationRecord(model.coordination),
    sections: model.sections.map((s) => ({ number: s.number, title: s.title, items: s.items.map((i) => ({ ...i, parameterValues: values.get(i.key) ?? {}, jointSetDeviationId: deviations.get(i.key) ?? null })) })),
  };
}

/** Getting a tender out: the checks before issue, issued revisions, closing, and the documents of a revision or of the working copy. */
export function createTenderIssuing(deps: TendersServiceDeps, loaders: TenderLoaders) {
  const { db, tendersRepository: repo, auditRepository: audit } = deps;
  const { load, loadForEdit, view, documentView } = loaders;
  const now = deps.now ?? (() => new Date());

  async function checks(tenderView: TenderSummaryView): Promise<CheckResult> {
    const errors: CheckResult['errors'] = [];
    const notices: CheckResult['notices'] = [];
    const lang = tenderView.tender.language;
    const t = deps.translator(lang);
    const all = tenderView.sections.flatMap((s) => s.items);
    if (all.length === 0) errors.push({ code: 'empty', path: 'items', message: t('tenders.checks.empty') });
    const pinned = all.flatMap((i) => (i.library && i.libraryVersion ? [{ key: i.library.key, version: i.libraryVersion }] : []));
    const newest = deps.newestReleased ? await deps.newestReleased() : null;
    const outdated = newest ? pinned.filter((p) => newest.get(p.key)?.status === 'published' && newest.get(p.key)?.version !== p.version) : pinned;
    const newer = outdated.length > 0 ? await repo.newerPublishedVersions(db, outdated) : { latest: [], pinned: [] };
    const latestByKey = new Map(newer.latest.map((r) => [r.key, r]));
    const pinnedWhole = new Map(newer.pinned.map((r) => [`${r.key}@${r.version}`, r]));
    for (const item of all) {
      const key = item.libraryKey ?? item.customKey ?? '';
      if (item.library) {
        for (const problem of checkParameterValues(item.library.parameters, item.effectiveValues)) {
          errors.push({ code: 'parameter', itemId: item.id, key, path: `${key}.${problem.parameter}`, message: t('tenders.checks.parameter', { key, parameter: problem.parameter, problem: problem.message }) });
        }
        if (item.library.status === 'deprecated') {
          errors.push({ code: 'deprecated', itemId: item.id, key, path: key, message: t('tenders.checks.deprecated', { key, version: item.libraryVersion, replacement: item.library.replacedBy ?? '–' }) });
        }
        const latest = latestByKey.get(item.library.key);
        if (latest && latest.version !== item.libraryVersion && latest.status === 'published') {
          const whole = pinnedWhole.get(`${item.library.key}@${item.libraryVersion}`);
          notices.push({ code: 'newer_version', itemId: item.id, key, from: item.libraryVersion as string, to: latest.version as string, changes: whole ? diffVersions(whole, latest) : [] });
        }
      } else if (item.libraryKey) {
        errors.push({ code: 'missing_version', itemId: item.id, key, path: key, message: t('tenders.checks.missingVersion', { key, version: item.libraryVersion }) });
      }
    }
    const evaluated = all.filter(isEvaluated);
    const weightSum = evaluated.reduce((sum, i) => sum + i.weight, 0);
    if (evaluated.length > 0 && weightSum !== 100) errors.push({ code: 'weights', path: 'weights', message: t('tenders.checks.weights', { sum: weightSum }) });
    if (!tenderView.tender.contactEmail) errors.push({ code: 'contact', path: 'contactEmail', message: t('tenders.checks.contact') });
    return { ok: errors.length === 0, errors, notices, weightSum };
  }

  /** The resolved document model of the working copy. */
  function modelOf(tenderView: DocumentView, revision: number, isDraft: boolean): TenderDocumentModel {
    const { tender } = tenderView;
    const lang = tender.language;
    const sections: DocumentSection[] = tenderView.sections
      .filter((s) => s.items.length > 0)
      .map((section, sIndex) => ({
        number: String(sIndex + 1),
        title: section.title,
        items: section.items.map((item, iIndex): DocumentItem => {
          const lib = item.library;
          const texts = lib ? renderItemTexts(lib, lib.parameters, item.effectiveValues, lang) : null;
          return {
            number: `${sIndex + 1}.${iIndex + 1}`,
            key: item.libraryKey ?? item.customKey ?? '',
            version: item.libraryVersion,
            fromLibrary: Boolean(item.libraryKey),
            kind: item.kind,
            type: item.type,
            weight: isEvaluated(item) ? item.weight : null,
            title: texts ? texts.title : (item.customTitle ?? ''),
            text: texts ? texts.text : (item.customText ?? ''),
            responseGuidance: texts ? texts.responseGuidance : (item.customGuidance ?? ''),
          };
        }),
      }));
    return {
      tenderId: tender.id,
      language: lang,
      title: tender.title,
      reference: tender.reference,
      revision,
      isDraft,
      date: now().toISOString().slice(0, 10),
      buyers: [tenderView.buyerName, ...tenderView.coBuyers.map((c) => c.name)],
      buyerOrganisations: [{ id: tender.buyerOrganisationId, name: tenderView.buyerName }, ...tenderView.coBuyers.map((c) => ({ id: c.organisationId, name: c.name }))],
      contact: tender.contactName || tender.contactEmail ? { name: tender.contactName, email: tender.contactEmail } : null,
      deadline: tender.deadline,
      description: tender.description,
      domain: tender.domain ? deps.translator(lang)(`library.domains.${tender.domain}`) : null,
      sections,
      coordination: tenderView.coordination ?? null,
    };
  }

  /**
   * The document model of a revision: an issued one from its frozen snapshot, or without a
   * revision the newest issued one when nothing changed since, else the working copy as a draft.
   */
  async function documentModel(actor: Actor, id: string, revision?: number): Promise<{ model: TenderDocumentModel; requirementSet: Record<string, unknown> }> {
    const loaded = await load(actor, id);
    const { tender } = loaded;
    const wanted = revision ?? (tender.currentRevision > 0 && !tender.hasUnissuedChanges ? tender.currentRevision : undefined);
    if (wanted !== undefined) {
      const row = await repo.findRevision(db, id, wanted);
      if (!row) throw revisionNotFound(wanted);
      return { model: row.model, requirementSet: row.requirementSet };
    }
    const current = await documentView(loaded);
    const model = modelOf(current, tender.currentRevision + 1, true);
    return { model, requirementSet: requirementSetOf(model, current) };
  }

  return {
    checks,

    /** Freezes the working copy as the next revision, after every check passes. */
    async issue(actor: Actor, id: string, context: AuditContext): Promise<{ revision: number }> {
      const { tender } = await loadForEdit(actor, id);
      if (tender.currentRevision > 0 && !tender.hasUnissuedChanges) throw nothingToIssue();
      const current = await view(actor, id);
      const result = await checks(current);
      if (!result.ok) throw checksFailed(result.errors.map((e) => ({ path: e.path, message: e.message })));
      const revision = tender.currentRevision + 1;
      const model = modelOf(inLanguage(current), revision, false);
      return db.transaction(async (tx) => {
        const locked = await repo.lock(tx, id);
        if (!locked) throw tenderNotFound();
        if (locked.version !== tender.version) throw staleVersion('tender', locked.version, await audit.lastChangeWithin(tx, 'tender', id, 'tenderId'));
        await repo.insertRevision(tx, { tenderId: id, revision, model, requirementSet: requirementSetOf(model, current), issuedBy: actor.userId });
        await repo.update(tx, id, tender.version, { status: 'issued', currentRevision: revision, hasUnissuedChanges: false });
        await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.issued', entityType: 'tender', entityId: id, before: { status: tender.status, revision: tender.currentRevision }, after: { status: 'issued', revision } });
        return { revision };
      });
    },

    async close(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      await db.transaction(async (tx) => {
        await compareAndSet({
          entity: 'tender',
          update: () => repo.update(tx, id, tender.version, { status: 'closed' }),
          currentVersion: async () => (await repo.findById(tx, id))?.version,
          lastChange: () => audit.lastChangeWithin(tx, 'tender', id, 'tenderId'),
          notFound: tenderNotFound,
        });
        await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.closed', entityType: 'tender', entityId: id, before: { status: tender.status }, after: { status: 'closed' } });
      });
    },

    revisions: async (actor: Actor, id: string) => {
      await load(actor, id);
      return repo.revisions(db, id);
    },

    documentModel,

    /**
     * Generates one of the tender's documents (of a revision, see `documentModel`) and records the
     * generation in the audit log with the file's SHA-256, so a document sent out can be traced.
     */
    async documentFile(actor: Actor, id: string, name: TenderDocumentName, revision: number | undefined, context: AuditContext): Promise<GeneratedDocument> {
      const { model, requirementSet } = await documentModel(actor, id, revision);
      const file = await generateDocument(name, model, requirementSet);
      const { tender } = await load(actor, id);
      const sha256 = createHash('sha256').update(file.bytes).digest('hex');
      await audit.record(db, context, { organisationId: tender.buyerOrganisationId, action: 'tender.document_generated', entityType: 'tender', entityId: id, after: { document: name, revision: model.revision, draft: model.isDraft, sha256, bytes: file.bytes.length } });
      return { ...file, sha256 };
    },
  };
}

export type TenderIssuing = ReturnType<typeof createTenderIssuing>;
