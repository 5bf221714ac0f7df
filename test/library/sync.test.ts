import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { auditLog } from '../../server/audit/audit.table';
import { LibraryFilesError } from '../../server/library/library.files';
import { libraryVersions } from '../../server/library/library.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { copyOfLibrary, syncLibraryFrom } from '../helpers/library';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
});
afterEach(() => ctx.close());

async function counts() {
  const db = ctx.services.database.db;
  const [versions] = await db.select({ n: count() }).from(libraryVersions);
  const [audits] = await db.select({ n: count() }).from(auditLog);
  return { versions: Number(versions?.n), audits: Number(audits?.n) };
}

async function syncError(dir: string): Promise<LibraryFilesError> {
  const error = await syncLibraryFrom(ctx.services, dir).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LibraryFilesError);
  return error as LibraryFilesError;
}

test('When the shipped library is synced twice, then the first sync adds every item and the second writes nothing', async () => {
  const first = await syncLibraryFrom(ctx.services);
  expect(first.added).toBeGreaterThanOrEqual(60);
  expect(first.sourcesWritten).toBe(57);
  expect(first.packsWritten).toBe(6);
  const after = await counts();
  const second = await syncLibraryFrom(ctx.services);
  expect(second).toEqual({ added: 0, updated: 0, statusChanged: 0, unchanged: first.added, sourcesWritten: 0, packsWritten: 0 });
  expect(await counts()).toEqual(after);
});

test('When a file is invalid, then the sync names the file, the field and the problem, and writes nothing', async () => {
  const copy = await copyOfLibrary();
  try {
    const file = path.join(copy.dir, 'export', 'EXP-001.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('type: A', 'type: X'));
    const error = await syncError(copy.dir);
    expect(error.problems).toEqual([expect.objectContaining({ file: path.join('export', 'EXP-001.yaml'), path: 'type' })]);
    expect(error.message).toMatch(/export\/EXP-001\.yaml at type/);
    expect(await counts()).toEqual({ versions: 0, audits: 0 });
  } finally {
    await copy.remove();
  }
});

test('When a text uses a parameter that is not declared, then the sync names the file and the text field', async () => {
  const copy = await copyOfLibrary();
  try {
    const file = path.join(copy.dir, 'export', 'EXP-001.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/\{\{exportHours\}\}/, '{{exportMinutes}}'));
    const error = await syncError(copy.dir);
    expect(error.problems.map((p) => `${p.file} ${p.path} ${p.message}`).join('\n')).toMatch(/EXP-001\.yaml text\.(nb|en) uses parameter "exportMinutes", which is not declared/);
  } finally {
    await copy.remove();
  }
});

test('When a published version is changed in its file without a new version number, then the sync refuses and names the file', async () => {
  await syncLibraryFrom(ctx.services);
  const before = await counts();
  const copy = await copyOfLibrary();
  try {
    const file = path.join(copy.dir, 'export', 'EXP-001.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/title:\n {2}nb: (.*)\n/, 'title:\n  nb: $1 (endret)\n'));
    const error = await syncError(copy.dir);
    expect(error.problems).toEqual([expect.objectContaining({ file: path.join('export', 'EXP-001.yaml'), path: 'version', message: expect.stringMatching(/already published with other content/) })]);
    expect(await counts()).toEqual(before);
  } finally {
    await copy.remove();
  }
});

test('When a file gains a new version and another is deprecated, then the sync adds the version and follows the deprecation', async () => {
  await syncLibraryFrom(ctx.services);
  const copy = await copyOfLibrary();
  try {
    const exp = path.join(copy.dir, 'export', 'EXP-001.yaml');
    const original = await readFile(exp, 'utf8');
    const next = original.replace(/^version: 1\.2\.0$/m, 'version: 1.3.0').replace(/title:\n {2}nb: (.*)\n/, 'title:\n  nb: $1 og arkiv\n');
    await writeFile(exp, `${original}---\n${next}`);
    const api = path.join(copy.dir, 'api', 'API-002.yaml');
    await writeFile(api, (await readFile(api, 'utf8')).replace(/^status: published$/m, 'status: deprecated\nreplacedBy: API-001'));
    const report = await syncLibraryFrom(ctx.services, copy.dir);
    expect(report).toMatchObject({ added: 1, statusChanged: 1, updated: 0 });
    const latest = await ctx.services.repositories.library.latestReleased(ctx.services.database.db, 'EXP-001');
    expect(latest?.version).toBe('1.3.0');
    expect(latest?.title.nb).toMatch(/og arkiv$/);
    const deprecated = await ctx.services.repositories.library.latestReleased(ctx.services.database.db, 'API-002');
    expect(deprecated).toMatchObject({ status: 'deprecated', replacedBy: 'API-001' });
    expect((await syncLibraryFrom(ctx.services, copy.dir)).added).toBe(0);
  } finally {
    await copy.remove();
  }
});
