import JSZip from 'jszip';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import { recordDownload, type GeneratedFile } from '../audit/audited-download';
import type { Database } from '../db/client';
import { draftScope } from './library.access';
import { itemNotFound } from './library.errors';
import type { LibraryRepository } from './library.repository';
import type { LibrarySearchQuery } from './library.schemas';
import { rowToItemFile } from './library.sync';
import type { LibraryVersionRow } from './library.table';
import { itemFileText, toYaml } from './library.versions';
import { searchFor } from './library-reading.service';

/** The search filters that choose what an export holds; no filter means the whole library. */
export type LibrarySelection = Omit<LibrarySearchQuery, 'page' | 'pageSize' | 'sort'>;

/** Exporting the shared library, or a selection of it, in the folder layout sync reads, or as JSON. */
export function createLibraryExport(deps: { db: Database; libraryRepository: LibraryRepository; auditRepository: AuditRepository }) {
  const { db, libraryRepository: repo, auditRepository: audit } = deps;

  /** The keys of the selected items, or undefined when nothing is filtered (all items). */
  async function selectedKeys(actor: Actor, selection: LibrarySelection): Promise<string[] | undefined> {
    const filtered = Object.values(selection).some((v) => v !== undefined);
    if (!filtered) return undefined;
    const { rows } = await repo.search(db, { ...searchFor({ ...selection, page: 1, pageSize: 200 }, 'nb'), limit: 100_000, offset: 0 }, draftScope(actor));
    return rows.map((r) => r.key);
  }

  /** The shared versions of the selected items (all items when keys is undefined), oldest first. */
  async function exportRows(keys?: string[]): Promise<LibraryVersionRow[]> {
    const rows = await repo.allSharedVersions(db);
    return keys ? rows.filter((r) => keys.includes(r.key)) : rows;
  }

  const sourceEntries = async () => (await repo.sources(db)).map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind }));

  async function yamlFiles(keys?: string[]): Promise<{ path: string; text: string }[]> {
    const rows = await exportRows(keys);
    const files = [{ path: 'sources.yaml', text: `# Registry of the sources that library items cite.\n${toYaml(await sourceEntries())}` }];
    const byKey = new Map<string, LibraryVersionRow[]>();
    for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
    for (const [key, versions] of byKey) {
      const newest = versions[versions.length - 1] as LibraryVersionRow;
      files.push({ path: `${newest.category}/${key}.yaml`, text: itemFileText(versions) });
    }
    return files;
  }

  const selectionOf = (selection: LibrarySelection) => Object.fromEntries(Object.entries(selection).filter(([, v]) => v !== undefined));

  const api = {
    async exportItemYaml(key: string): Promise<string> {
      const rows = (await repo.allSharedVersions(db)).filter((r) => r.key === key);
      if (rows.length === 0) throw itemNotFound(key);
      return itemFileText(rows);
    },

    /** The whole shared library as the files of the folder layout sync reads: sources.yaml and <category>/<KEY>.yaml. */
    yamlFiles: () => yamlFiles(),

    /** The selection as a zip of the same folder layout sync reads: sources.yaml and <category>/<KEY>.yaml. */
    async exportZip(actor: Actor, selection: LibrarySelection): Promise<Buffer> {
      const zip = new JSZip();
      for (const file of await yamlFiles(await selectedKeys(actor, selection))) zip.file(file.path, file.text);
      return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX', date: new Date('2020-01-01T00:00:00Z') } as JSZip.JSZipGeneratorOptions<'nodebuffer'>);
    },

    async exportJson(actor: Actor, selection: LibrarySelection) {
      const rows = await exportRows(await selectedKeys(actor, selection));
      const sources = await sourceEntries();
      const byKey = new Map<string, ReturnType<typeof rowToItemFile>[]>();
      for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), rowToItemFile(row)]);
      return { sources, items: [...byKey.entries()].map(([key, versions]) => ({ key, versions })) };
    },
  };

  return {
    ...api,

    /** An item's YAML file as a download, audited with its SHA-256. */
    async downloadItemYaml(key: string, context: AuditContext): Promise<GeneratedFile & { sha256: string }> {
      const text = await api.exportItemYaml(key);
      const file = { bytes: Buffer.from(text, 'utf8'), filename: `${key}.yaml`, contentType: 'application/yaml' };
      return recordDownload(db, audit, context, { organisationId: null, action: 'library.item_exported', entityType: 'library_item', entityId: key }, file);
    },

    /** The library, or a selection, as the YAML folder (zip) or JSON, as a download audited with its SHA-256. */
    async download(actor: Actor, selection: LibrarySelection, format: 'zip' | 'json', context: AuditContext): Promise<GeneratedFile & { sha256: string }> {
      const file =
        format === 'json'
          ? { bytes: Buffer.from(JSON.stringify(await api.exportJson(actor, selection)), 'utf8'), filename: 'datakrav-library.json', contentType: 'application/json' }
          : { bytes: await api.exportZip(actor, selection), filename: 'datakrav-library.zip', contentType: 'application/zip' };
      return recordDownload(db, audit, context, { organisationId: null, action: 'library.exported', entityType: 'library', entityId: null, after: { format, selection: selectionOf(selection) } }, file);
    },
  };
}
