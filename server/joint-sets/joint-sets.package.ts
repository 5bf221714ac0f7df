import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { CORE_SCHEMA, load } from 'js-yaml';
import { z } from 'zod';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditEntry, AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import { checkItemConsistency, LibraryFilesError, parseItemFile, parseSources, SOURCES_FILE } from '../library/library.files';
import type { LibraryRepository } from '../library/library.repository';
import { itemKeySchema, semverSchema, type ItemFile, type Source } from '../library/library.schemas';
import { itemFileText, toYaml } from '../library/library.versions';
import { contentHash, parseSemver, versionColumns } from '../library/library.sync';
import type { LibraryVersionInsert } from '../library/library.table';
import type { FieldError } from '../shared/errors';
import { buyerEditorships, coordinates } from './joint-sets.access';
import { buyerRequired, coordinatorRequired, organisationRequired, packageConflict, packageInvalid, packageRevisionExists, wrongState } from './joint-sets.errors';
import type { JointSetsRepository } from './joint-sets.repository';
import type { JointSetsService } from './joint-sets.service';
import type { JointSetRevisionRow } from './joint-sets.table';

/**
 * A revision as one file for another installation: a zip in the library's own file format
 * (sources.yaml and <category>/<KEY>.yaml with exactly the pinned versions) plus joint-set.yaml
 * with the set, the revision's metadata, its sections and items, and who signed it.
 */
export const PACKAGE_FILE = 'joint-set.yaml';
export const PACKAGE_FORMAT = 'datakrav-joint-set';
/** Fields a package upload's multipart body may carry besides the file (it has one: the organisation). */
export const PACKAGE_UPLOAD_FIELDS = 10;

const parameterValue = z.union([z.number(), z.string().max(500), z.array(z.string().max(200)).max(50)]);
const packageSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.literal(1),
  set: z.strictObject({ id: z.uuid(), title: z.string().trim().min(3).max(300), description: z.string().max(5000), domain: z.enum(DOMAINS).nullable() }),
  coordinator: z.string().max(300),
  revision: z.strictObject({ number: z.number().int().min(1).max(100_000), changeNote: z.string().max(2000), createdAt: z.string(), adoptedAt: z.string().nullable() }),
  signoffs: z.array(z.strictObject({ organisation: z.string().max(300), signedAt: z.string() })).max(1000),
  sections: z
    .array(
      z.strictObject({
        title: z.string().trim().min(1).max(200),
        items: z.array(z.strictObject({ key: itemKeySchema, version: semverSchema, type: z.enum(REQUIREMENT_TYPES), weight: z.number().int().min(0).max(100), parameterValues: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), parameterValue) })).max(1000),
      }),
    )
    .max(200),
});
export type JointSetPackage = z.infer<typeof packageSchema>;

/** A revision pins at most a few hundred items; anything far bigger is not a package (or is a zip bomb). */
const MAX_ENTRIES = 2000;
const MAX_UNPACKED_BYTES = 50 * 1024 * 1024;
const ZIP_OPTIONS = { type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX', date: new Date('2020-01-01T00:00:00Z') } as JSZip.JSZipGeneratorOptions<'nodebuffer'>;

function issues(error: z.ZodError, file: string): FieldError[] {
  return error.issues.map((i) => ({ path: `${file}${i.path.length > 0 ? `:${i.path.join('.')}` : ''}`, message: i.message }));
}

export function createJointSetPackages(deps: { db: Database; jointSets: JointSetsService; jointSetsRepository: JointSetsRepository; libraryRepository: LibraryRepository; auditRepository: AuditRepository; now?: () => Date }) {
  const { db, jointSets, jointSetsRepository: repo, libraryRepository: library, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());

  async function readPackage(bytes: Buffer): Promise<{ manifest: JointSetPackage; items: ItemFile[]; sources: Source[] }> {
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(bytes);
    } catch {
      throw packageInvalid([{ path: 'file', message: 'is not a zip file' }]);
    }
    const entries = Object.values(zip.files).filter((f) => !f.dir);
    const unpacked = entries.reduce((sum, f) => sum + ((f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0), 0);
    if (entries.length > MAX_ENTRIES || unpacked > MAX_UNPACKED_BYTES) throw packageInvalid([{ path: 'file', message: `is too large: at most ${MAX_ENTRIES} files and ${MAX_UNPACKED_BYTES / 1024 / 1024} MB unpacked` }]);
    const manifestFile = zip.file(PACKAGE_FILE);
    if (!manifestFile) throw packageInvalid([{ path: 'file', message: `has no ${PACKAGE_FILE}; it is not a joint-set package` }]);
    let raw: unknown;
    try {
      raw = load(await manifestFile.async('string'), { schema: CORE_SCHEMA, filename: PACKAGE_FILE });
    } catch (error) {
      throw packageInvalid([{ path: PACKAGE_FILE, message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
    }
    const parsed = packageSchema.safeParse(raw);
    if (!parsed.success) throw packageInvalid(issues(parsed.error, PACKAGE_FILE));
    const manifest = parsed.data;
    const problems: FieldError[] = [];
    let sources: Source[] = [];
    const sourcesFile = zip.file(SOURCES_FILE);
    try {
      if (sourcesFile) sources = parseSources(await sourcesFile.async('string'));
    } catch (error) {
      if (!(error instanceof LibraryFilesError)) throw error;
      problems.push(...error.problems.map((p) => ({ path: `${p.file}${p.path ? `:${p.path}` : ''}`, message: p.message })));
    }
    const known = new Set([...sources.map((s) => s.id), ...(await library.sources(db)).map((s) => s.id)]);
    const files = new Map(Object.values(zip.files).filter((f) => !f.dir && /\.ya?ml$/.test(f.name) && f.name !== PACKAGE_FILE && f.name !== SOURCES_FILE).map((f) => [f.name.split('/').pop()?.replace(/\.ya?ml$/, '') ?? '', f]));
    const items: ItemFile[] = [];
    const pinned = manifest.sections.flatMap((s) => s.items);
    const seen = new Set<string>();
    for (const pin of pinned) {
      if (seen.has(pin.key)) problems.push({ path: `${PACKAGE_FILE}:sections`, message: `${pin.key} appears more than once` });
      seen.add(pin.key);
      const file = files.get(pin.key);
      if (!file) {
        problems.push({ path: `${pin.key}.yaml`, message: `is missing; ${pin.key} ${pin.version} is pinned by the revision` });
        continue;
      }
      const { items: versions, problems: fileProblems } = parseItemFile(await file.async('string'), file.name);
      problems.push(...fileProblems.map((p) => ({ path: `${p.file}${p.path ? `:${p.path}` : ''}`, message: p.message })));
      const item = versions.find((v) => v.key === pin.key && v.version === pin.version);
      if (!item) {
        if (fileProblems.length === 0) problems.push({ path: file.name, message: `holds no version ${pin.version} of ${pin.key}` });
        continue;
      }
      if (item.status === 'draft') problems.push({ path: file.name, message: `${pin.key} ${pin.version} is a draft; a package carries released versions only` });
      problems.push(...checkItemConsistency(item, known, file.name).map((p) => ({ path: `${p.file}:${p.path}`, message: p.message })));
      items.push(item);
    }
    if (problems.length > 0) throw packageInvalid(problems);
    return { manifest, items, sources };
  }

  return {
    /** The adopted (or superseded) revision as a zip; every reader of the revision may take it. */
    async exportRevision(actor: Actor, setId: string, number: number, context?: AuditContext): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
      const view = await jointSets.revision(actor, setId, number);
      if (view.revision.status !== 'adopted' && view.revision.status !== 'superseded') throw wrongState(view.revision.status, 'be exported; only adopted revisions travel');
      const libraryRows = view.sections.flatMap((s) => s.items).map((i) => i.library).filter((r) => r !== null);
      const manifest: JointSetPackage = {
        format: PACKAGE_FORMAT,
        formatVersion: 1,
        set: { id: view.set.id, title: view.set.title, description: view.set.description, domain: view.set.domain },
        coordinator: view.coordinatorName,
        revision: { number: view.revision.number, changeNote: view.revision.changeNote, createdAt: view.revision.createdAt.toISOString(), adoptedAt: view.revision.adoptedAt?.toISOString() ?? null },
        signoffs: [...view.coordination.signed.map((s) => ({ organisation: s.organisationName, signedAt: s.decidedAt.toISOString() })), ...view.coordination.imported],
        sections: view.sections.map((s) => ({ title: s.title, items: s.items.map((i) => ({ key: i.libraryKey, version: i.libraryVersion, type: i.type, weight: i.weight, parameterValues: i.parameterValues as Record<string, number | string | string[]> })) })),
      };
      const cited = new Set(libraryRows.flatMap((r) => r.references.map((ref) => ref.source)));
      const sources = (await library.sources(db)).filter((s) => cited.has(s.id)).map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind }));
      const zip = new JSZip();
      zip.file(PACKAGE_FILE, `# Joint requirement set "${view.set.title}", revision ${view.revision.number}, exported from Datakrav.\n${toYaml(manifest)}`);
      zip.file(SOURCES_FILE, `# Registry of the sources that the library items of this package cite.\n${toYaml(sources)}`);
      for (const row of libraryRows) zip.file(`${row.category}/${row.key}.yaml`, itemFileText([row]));
      const slug = view.set.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'joint-set';
      const bytes = await zip.generateAsync(ZIP_OPTIONS);
      if (context) {
        await audit.record(db, context, {
          organisationId: view.set.coordinatorOrganisationId,
          action: 'joint_set.package_exported',
          entityType: 'joint_set_revision',
          entityId: view.revision.id,
          after: { jointSetId: view.set.id, revision: view.revision.number, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, libraryVersions: libraryRows.length },
        });
      }
      return { bytes, filename: `${slug}-rev${view.revision.number}.zip`, contentType: 'application/zip' };
    },

    /**
     * Reads a package into this installation, keeping keys, versions and the set's id. Library
     * versions already here must have the same content; any that differ are named and nothing is
     * imported. A set new here is coordinated by the importing buyer.
     */
    async importPackage(actor: Actor, bytes: Buffer, input: { organisationId?: string | undefined }, context: AuditContext): Promise<{ setId: string; number: number; libraryVersionsAdded: string[] }> {
      const eligible = buyerEditorships(actor);
      const importer = input.organisationId ? eligible.find((m) => m.organisationId === input.organisationId) : eligible.length === 1 ? eligible[0] : undefined;
      if (!importer) throw eligible.length > 1 && !input.organisationId ? organisationRequired() : buyerRequired();
      const { manifest, items, sources } = await readPackage(bytes);

      const existing = new Map((await library.findVersions(db, items.map((i) => ({ key: i.key, version: i.version })))).map((r) => [`${r.key}@${r.version}`, r]));
      const conflicts = items.filter((i) => {
        const here = existing.get(`${i.key}@${i.version}`);
        return here && here.contentHash !== contentHash(i);
      });
      if (conflicts.length > 0) throw packageConflict(conflicts.map((c) => ({ key: c.key, version: c.version })));

      const set = await repo.findById(db, manifest.set.id);
      if (set && !coordinates(actor, set)) throw coordinatorRequired();
      const revisions = set ? await repo.revisions(db, set.id) : [];
      if (revisions.some((r) => r.number === manifest.revision.number)) throw packageRevisionExists(manifest.revision.number);

      const knownSources = new Set((await library.sources(db)).map((s) => s.id));
      const toInsert: LibraryVersionInsert[] = items
        .filter((i) => !existing.has(`${i.key}@${i.version}`))
        .map((i) => ({ ...versionColumns(i), key: i.key, version: i.version, ...parseSemver(i.version), status: i.status, replacedBy: i.replacedBy, origin: 'file', ownerOrganisationId: null, publishedAt: now() }));

      return db.transaction(async (tx) => {
        await library.upsertSources(tx, sources.filter((s) => !knownSources.has(s.id)));
        await library.insertVersions(tx, toInsert);
        const setRow =
          set ??
          (await repo.insert(tx, { id: manifest.set.id, title: manifest.set.title, description: manifest.set.description, domain: manifest.set.domain, coordinatorOrganisationId: importer.organisationId, isPublic: false, createdBy: actor.userId }));
        if (!set) await repo.insertParticipant(tx, { jointSetId: setRow.id, organisationId: setRow.coordinatorOrganisationId, status: 'accepted', respondedAt: now(), respondedBy: actor.userId });
        else if (!(await repo.lock(tx, set.id))) throw new Error('joint set vanished during import');
        const adopted = revisions.find((r) => r.status === 'adopted');
        const newest = !adopted || adopted.number < manifest.revision.number;
        if (adopted && newest) await repo.moveRevision(tx, adopted.id, 'adopted', { status: 'superseded', supersededAt: now() });
        const revision: JointSetRevisionRow = await repo.insertRevision(tx, {
          jointSetId: setRow.id,
          number: manifest.revision.number,
          status: newest ? 'adopted' : 'superseded',
          changeNote: manifest.revision.changeNote,
          createdBy: actor.userId,
          adoptedAt: manifest.revision.adoptedAt ? new Date(manifest.revision.adoptedAt) : now(),
          supersededAt: newest ? null : now(),
          importedAt: now(),
          importedSignoffs: manifest.signoffs,
        });
        for (const [position, section] of manifest.sections.entries()) {
          const row = await repo.insertSection(tx, { revisionId: revision.id, position, title: section.title });
          await repo.insertItems(tx, section.items.map((item, index) => ({ revisionId: revision.id, sectionId: row.id, position: index, libraryKey: item.key, libraryVersion: item.version, type: item.type, weight: item.weight, parameterValues: item.parameterValues })));
        }
        await repo.touch(tx, setRow.id);
        const entries: AuditEntry[] = [
          ...toInsert.map((v) => ({ organisationId: importer.organisationId, action: 'library.version_imported', entityType: 'library_item', entityId: v.key, after: { version: v.version, status: v.status, from: 'joint-set package' } })),
          { organisationId: setRow.coordinatorOrganisationId, action: 'joint_set.revision_imported', entityType: 'joint_set_revision', entityId: revision.id, after: { jointSetId: setRow.id, title: manifest.set.title, revision: revision.number, status: revision.status, coordinatorThere: manifest.coordinator, libraryVersionsAdded: toInsert.map((v) => `${v.key}@${v.version}`) } },
        ];
        if (adopted && newest) entries.push({ organisationId: setRow.coordinatorOrganisationId, action: 'joint_set.revision_superseded', entityType: 'joint_set_revision', entityId: adopted.id, before: { status: 'adopted' }, after: { jointSetId: setRow.id, revision: adopted.number, status: 'superseded', by: revision.number } });
        await audit.recordMany(tx, context, entries);
        return { setId: setRow.id, number: revision.number, libraryVersionsAdded: toInsert.map((v) => `${v.key}@${v.version}`) };
      });
    },
  };
}

export type JointSetPackages = ReturnType<typeof createJointSetPackages>;
