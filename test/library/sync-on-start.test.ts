import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { auditLog } from '../../server/audit/audit.table';
import { SYSTEM_AUDIT } from '../../server/auth/actor';
import { LibraryFilesError } from '../../server/library/library.files';
import { libraryVersions } from '../../server/library/library.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { copyOfLibrary } from '../helpers/library';

let ctx: TestContext;
let statements: string[];
let library: Awaited<ReturnType<typeof copyOfLibrary>>;
beforeEach(async () => {
  statements = [];
  ctx = await createTestApp({}, { checkResponses: false, onQuery: (query) => statements.push(query) });
  library = await copyOfLibrary();
});
afterEach(async () => {
  await library.remove();
  await ctx.close();
});

async function counts() {
  const db = ctx.services.database.db;
  const [versions] = await db.select({ n: count() }).from(libraryVersions);
  const [audits] = await db.select({ n: count() }).from(auditLog);
  return { versions: Number(versions?.n), audits: Number(audits?.n) };
}

/** The statements one start-up sync sends to the database. */
async function syncFolder() {
  statements.length = 0;
  const report = await ctx.services.library.syncFolder(library.dir, SYSTEM_AUDIT);
  return { report, statements: [...statements] };
}

test('When the library files are unchanged since the last sync, then the next start reads only the stored hash and writes nothing', async () => {
  const first = await syncFolder();
  expect(first.report?.added).toBeGreaterThanOrEqual(60);
  const after = await counts();

  const second = await syncFolder();
  expect(second.report).toBeNull();
  expect(second.statements).toHaveLength(1);
  expect(second.statements[0]).toMatch(/^select .* from "library_sync_state"/);
  expect(await counts()).toEqual(after);
});

test('When a library file changes after a sync, then the next start syncs the folder again and imports the new version', async () => {
  await syncFolder();
  const file = path.join(library.dir, 'export', 'EXP-001.yaml');
  const text = await readFile(file, 'utf8');
  const version = /^version: (.*)$/m.exec(text)?.[1];
  expect(version).toBeDefined();
  await writeFile(file, `${text}\n---\n${text.replace(/^version: .*$/m, 'version: 9.0.0').replace(/title:\n {2}nb: (.*)\n/, 'title:\n  nb: $1 (ny versjon)\n').replace(/^supersedes: .*$/m, 'supersedes: null')}`);

  const { report, statements: sent } = await syncFolder();
  expect(report).toMatchObject({ added: 1, updated: 0 });
  expect(sent.some((s) => /^insert into "library_sync_state"/.test(s))).toBe(true);
  const [row] = await ctx.services.database.db.select({ n: count() }).from(libraryVersions);
  expect((await syncFolder()).report).toBeNull();
  expect(await counts()).toMatchObject({ versions: Number(row?.n) });
});

test('When a file is renamed without other change, then the folder counts as changed and the sync names the misnamed file', async () => {
  await syncFolder();
  await rename(path.join(library.dir, 'export', 'EXP-001.yaml'), path.join(library.dir, 'export', 'EXP-001-old.yaml'));
  const error = await syncFolder().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LibraryFilesError);
  expect((error as LibraryFilesError).problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: path.join('export', 'EXP-001-old.yaml'), path: 'key' })]));
});

test('When a sync is refused, then its hash is not kept, so the next start reads the files again and names the problem again', async () => {
  await syncFolder();
  const file = path.join(library.dir, 'export', 'EXP-001.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/title:\n {2}nb: (.*)\n/, 'title:\n  nb: $1 (endret)\n'));
  const before = await counts();
  for (let start = 0; start < 2; start++) {
    const error = await syncFolder().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryFilesError);
    expect((error as LibraryFilesError).problems).toEqual([expect.objectContaining({ file: path.join('export', 'EXP-001.yaml'), message: expect.stringMatching(/already published with other content/) })]);
  }
  expect(await counts()).toEqual(before);
});
