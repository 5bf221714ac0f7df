import { createHash } from 'node:crypto';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { editingOrganisation, requireLibraryEditor } from '../library/library.access';
import type { Category, Domain, Language } from '../library/library.codes';
import { checkItemConsistency } from '../library/library.files';
import type { LibraryRepository } from '../library/library.repository';
import { itemContentSchema, type ItemContent } from '../library/library.schemas';
import { versionColumns } from '../library/library.sync';
import { renderTemplate } from '../library/clause-template';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { FieldError } from '../shared/errors';
import type { Translator } from '../shared/i18n';
import type { ImportedSection } from '../tenders/tender-editing.service';
import type { TendersService } from '../tenders/tenders.service';
import { kravbankEmpty, kravbankInvalid, kravbankItemsInvalid, kravbankKeysExhausted, kravbankNotJson, kravbankSourceMissing } from './kravbank.errors';
import { parseKravbankFile, type KravbankExport } from './kravbank.format';
import { kravbankSection, mapKravbankFile, tenderToKravbank, type MappedBank, type MappedRequirement, type NotMapped } from './kravbank.mapping';

export const KRAVBANK_SOURCE = 'dfo-kravbank';

export type KravbankServiceDeps = {
  db: Database;
  libraryRepository: LibraryRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  tenders: Pick<TendersService, 'importSections' | 'documentModel' | 'view'>;
  translator: (locale: Language) => Translator;
};

export type LibraryImportOptions = { keyPrefix: string; category: Category; themes: number[]; domains: Domain[]; organisationId?: string | undefined };
export type LibraryImportResult = {
  bank: string;
  drafts: { key: string; draftId: string; title: string; section: string; path: string }[];
  alreadyInLibrary: { key: string; version: string; path: string }[];
  notMapped: NotMapped[];
};
export type TenderImportResult = { bank: string; sections: string[]; added: string[]; skipped: string[]; notMapped: NotMapped[] };

/** Reads the uploaded bytes as a Kravbank file and maps it; a file that is not one is a 400 naming the problem. */
function readFile(bytes: Buffer, texts: Record<Language, Translator>): MappedBank {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw kravbankNotJson(error instanceof TypeError ? 'it is not UTF-8 text' : (error as Error).message);
  }
  const parsed = parseKravbankFile(raw);
  if (!parsed.success) throw kravbankInvalid(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const mapped = mapKravbankFile(parsed.data, texts);
  if (mapped.requirements.length === 0) throw kravbankEmpty();
  return mapped;
}

/** A requirement of the file as the content of a library draft. */
function itemContent(bank: MappedBank, r: MappedRequirement, options: LibraryImportOptions, texts: Record<Language, Translator>): ItemContent {
  return {
    kind: 'requirement',
    category: options.category,
    type: r.type,
    weight: r.weight,
    themes: options.themes,
    title: r.title,
    text: r.text,
    rationale: r.rationale,
    responseGuidance: r.responseGuidance,
    parameters: r.parameters,
    references: [{ source: KRAVBANK_SOURCE, section: kravbankSection(bank.title, r.requirementTitle), note: { nb: texts.nb('kravbank.referenceNote', { section: r.section }), en: texts.en('kravbank.referenceNote', { section: r.section }) } }],
    verification: { method: r.verificationMethod, phases: ['tender'], text: r.verificationText },
    evidence: r.evidence,
    ssa: null,
    domains: options.domains,
    tags: ['kravbank'],
    supersedes: null,
    changeNote: { nb: texts.nb('kravbank.changeNote', { bank: bank.title }), en: texts.en('kravbank.changeNote', { bank: bank.title }) },
  };
}

/** Interchange with DFØ's Kravbank: a bank into the library as drafts, a bank into a tender, a tender out as a specification. */
export function createKravbankService(deps: KravbankServiceDeps) {
  const { db, libraryRepository: library, auditRepository: audit } = deps;
  const texts = { nb: deps.translator('nb'), en: deps.translator('en') };

  return {
    /**
     * Every requirement of a bank as a draft of a new library item of the editor's organisation,
     * for an editor to review, translate and publish. Requirements the file names as Datakrav
     * library versions that exist here are not imported again. All or nothing.
     */
    async importToLibrary(actor: Actor, bytes: Buffer, options: LibraryImportOptions, context: AuditContext): Promise<LibraryImportResult> {
      requireLibraryEditor(actor);
      const organisationId = editingOrganisation(actor, options.organisationId);
      const bank = readFile(bytes, texts);
      const sources = new Set((await library.sources(db)).map((s) => s.id));
      if (!sources.has(KRAVBANK_SOURCE)) throw kravbankSourceMissing();

      const known = await library.findVersions(db, bank.requirements.flatMap((r) => (r.libraryOrigin ? [r.libraryOrigin] : [])));
      const released = new Set(known.filter((v) => v.status !== 'draft').map((v) => `${v.key}@${v.version}`));
      const alreadyInLibrary: LibraryImportResult['alreadyInLibrary'] = [];
      const toImport: { requirement: MappedRequirement; content: ItemContent }[] = [];
      const problems: FieldError[] = [];
      for (const requirement of bank.requirements) {
        if (requirement.libraryOrigin && released.has(`${requirement.libraryOrigin.key}@${requirement.libraryOrigin.version}`)) {
          alreadyInLibrary.push({ ...requirement.libraryOrigin, path: requirement.path });
          continue;
        }
        const parsed = itemContentSchema.safeParse(itemContent(bank, requirement, options, texts));
        if (!parsed.success) {
          problems.push(...parsed.error.issues.map((i) => ({ path: `${requirement.path} ${i.path.join('.')}`, message: i.message })));
          continue;
        }
        const consistency = checkItemConsistency({ ...parsed.data, key: 'KRB-000', version: '0.0.0', status: 'draft', replacedBy: null }, sources, requirement.path);
        problems.push(...consistency.map((p) => ({ path: `${requirement.path} ${p.path}`, message: p.message })));
        toImport.push({ requirement, content: parsed.data });
      }
      if (problems.length > 0) throw kravbankItemsInvalid(problems);

      return db.transaction(async (tx) => {
        const used = await library.keyNumbersWithPrefix(tx, options.keyPrefix);
        const free = Array.from({ length: 999 }, (_, i) => i + 1).filter((n) => !used.has(n));
        if (free.length < toImport.length) throw kravbankKeysExhausted(options.keyPrefix);
        const drafts: LibraryImportResult['drafts'] = [];
        for (const [i, { requirement, content }] of toImport.entries()) {
          const key = `${options.keyPrefix}-${String(free[i]).padStart(3, '0')}`;
          const row = await library.insertVersion(tx, { ...versionColumns(content), key, version: null, status: 'draft', origin: 'app', ownerOrganisationId: organisationId, baseVersion: null, createdBy: actor.userId });
          drafts.push({ key, draftId: row.id, title: content.title.nb, section: requirement.section, path: requirement.path });
        }
        await audit.recordMany(
          tx,
          context,
          drafts.map((d) => ({ organisationId, action: 'library.draft_created', entityType: 'library_item', entityId: d.key, after: { draftId: d.draftId, title: d.title, kravbank: { bank: bank.title, path: d.path } } })),
        );
        await audit.record(tx, context, { organisationId, action: 'library.kravbank_imported', entityType: 'kravbank_bank', entityId: null, after: { bank: bank.title, version: bank.version, drafts: drafts.map((d) => d.key), alreadyInLibrary: alreadyInLibrary.map((a) => `${a.key}@${a.version}`), notMapped: bank.notMapped.length } });
        return { bank: bank.title, drafts, alreadyInLibrary, notMapped: bank.notMapped };
      });
    },

    /**
     * A bank into a tender: each need a new section; a requirement that names a released
     * Datakrav library version is pinned to it, any other becomes an item written for the tender
     * with its code lists filled in. All or nothing.
     */
    async importToTender(actor: Actor, tenderId: string, bytes: Buffer, context: AuditContext): Promise<TenderImportResult> {
      const view = await deps.tenders.view(actor, tenderId);
      const lang = view.tender.language;
      const bank = readFile(bytes, texts);
      const sections: ImportedSection[] = bank.sections.map((title) => ({
        title,
        items: bank.requirements
          .filter((r) => r.section === title)
          .map((r) =>
            r.libraryOrigin
              ? { library: r.libraryOrigin, type: r.type, weight: r.weight }
              : { custom: { kind: 'requirement' as const, type: r.type, weight: r.weight, title: r.title[lang], text: renderTemplate(r.text[lang], r.parameters, {}, lang), responseGuidance: r.responseGuidance[lang] } },
          ),
      }));
      const result = await deps.tenders.importSections(actor, tenderId, sections, context, { kravbank: { bank: bank.title, version: bank.version } });
      return { bank: bank.title, sections: bank.sections, ...result, notMapped: bank.notMapped };
    },

    /** A tender's requirement set (a revision, or the working copy) as a Kravbank specification file; the download is audited with its SHA-256. */
    async exportTender(actor: Actor, tenderId: string, revision: number | undefined, context: AuditContext): Promise<{ bytes: Buffer; filename: string; sha256: string; file: KravbankExport }> {
      const { model } = await deps.tenders.documentModel(actor, tenderId, revision);
      const view = await deps.tenders.view(actor, tenderId);
      const buyer = await deps.organisationsRepository.findById(db, view.tender.buyerOrganisationId);
      const file = tenderToKravbank(model, buyer?.orgNumber ?? null);
      const bytes = Buffer.from(`${JSON.stringify(file, null, 2)}\n`);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const reference = model.reference.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'anskaffelse';
      const filename = `${reference}-kravbank-${model.isDraft ? 'utkast' : `rev${model.revision}`}.json`;
      await audit.record(db, context, { organisationId: view.tender.buyerOrganisationId, action: 'tender.kravbank_exported', entityType: 'tender', entityId: tenderId, after: { revision: model.revision, draft: model.isDraft, sha256, bytes: bytes.length } });
      return { bytes, filename, sha256, file };
    },
  };
}

export type KravbankService = ReturnType<typeof createKravbankService>;
