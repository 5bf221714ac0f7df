import { appendFile, copyFile, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { createAuditRepository } from '../../server/audit/audit.repository';
import { auditLog } from '../../server/audit/audit.table';
import { SYSTEM_AUDIT } from '../../server/auth/actor';
import { createDatabase, type DatabaseHandle } from '../../server/db/client';
import { ensureTemplate, migrationsFingerprint, readTemplate, templateFile } from '../../server/db/template';
import { hashLibraryFiles, loadLibraryFiles } from '../../server/library/library.files';
import { createLibraryRepository } from '../../server/library/library.repository';
import { syncLibraryFolder } from '../../server/library/library.sync';
import { libraryVersions } from '../../server/library/library.table';
import { libraryTemplateContents, prepareTemplates, readLibraryTemplate } from '../../server/library/library.template';
import { SHIPPED_LIBRARY_DIR } from '../../server/shared/paths';

/*
 * The embedded database's templates, as `npm run build` makes them and a first start uses them:
 * the migrated empty one, and the one with the shipped library synced into it.
 */
const describeEmbedded = process.env.DATABASE_URL ? describe.skip : describe;

describeEmbedded('the database template with the library in it', () => {
  let work: string;
  let templates: string;
  let library: string;
  const opened: DatabaseHandle[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'datakrav-template-'));
    templates = path.join(work, 'templates');
    library = path.join(work, 'requirements');
    await cp(SHIPPED_LIBRARY_DIR, library, { recursive: true });
    await ensureTemplate(templates);
    await ensureTemplate(templates, await libraryTemplateContents(library), { replace: true });
  });
  afterAll(async () => {
    for (const handle of opened) await handle.close();
    await rm(work, { recursive: true, force: true });
  });

  async function open(name: string, template: () => Promise<Blob | undefined>): Promise<DatabaseHandle> {
    const handle = await createDatabase({ dataDir: path.join(work, name), template });
    opened.push(handle);
    await handle.migrate();
    return handle;
  }

  test('When a new data folder starts from it, then every version of the library files is there, imported by the system in the audit log, and the sync at start has nothing to do', async () => {
    const files = await loadLibraryFiles(library);
    const handle = await open('fresh', () => readLibraryTemplate(templates, library));
    const [versions] = await handle.db.select({ n: count() }).from(libraryVersions);
    expect(versions?.n).toBe(files.items.length);
    const [imported] = await handle.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, 'library.version_imported'), eq(auditLog.actorEmail, 'system')));
    expect(imported?.n).toBe(files.items.length);
    const deps = { db: handle.db, libraryRepository: createLibraryRepository(), auditRepository: createAuditRepository() };
    expect(await deps.libraryRepository.syncedFilesHash(handle.db)).toBe(await hashLibraryFiles(library));
    expect(await syncLibraryFolder(deps, library, SYSTEM_AUDIT)).toBeNull();
  });

  test('When a library file has changed since the template was made, then there is no template for that folder, and the plain one is still there', async () => {
    const changed = path.join(work, 'changed-requirements');
    await cp(library, changed, { recursive: true });
    await appendFile(path.join(changed, 'README.md'), '\n');
    const readme = await hashLibraryFiles(changed);
    // A README is not a library file: the same files, the same template.
    expect(readme).toBe(await hashLibraryFiles(library));
    const [firstItemFile] = (await readdir(path.join(changed, 'export'))).filter((f) => f.endsWith('.yaml'));
    await appendFile(path.join(changed, 'export', firstItemFile as string), '\n# endret etter bygging\n');
    expect(await readLibraryTemplate(templates, changed)).toBeUndefined();
    expect(await readLibraryTemplate(templates, library)).toBeInstanceOf(Blob);
    expect(readTemplate(templates)).toBeInstanceOf(Blob);
  });

  test('When a data folder already exists, then the template is not read at all', async () => {
    await open('existing', () => readLibraryTemplate(templates, library));
    const handle = opened.pop() as DatabaseHandle;
    await handle.close();
    let read = 0;
    const again = await open('existing', async () => {
      read += 1;
      return readLibraryTemplate(templates, library);
    });
    const [versions] = await again.db.select({ n: count() }).from(libraryVersions);
    expect(versions?.n).toBeGreaterThan(0);
    expect(read).toBe(0);
  });

  test('When a library template is made again for other files, then it replaces the library template before it and leaves the plain one', async () => {
    const other = path.join(work, 'other-requirements');
    await cp(library, other, { recursive: true });
    const [firstItemFile] = (await readdir(path.join(other, 'export'))).filter((f) => f.endsWith('.yaml'));
    await appendFile(path.join(other, 'export', firstItemFile as string), '\n# en annen samling\n');
    await ensureTemplate(templates, await libraryTemplateContents(other), { replace: true });
    const names = (await readdir(templates)).sort();
    expect(names).toHaveLength(2);
    expect(names.filter((n) => n.includes('-library-'))).toHaveLength(1);
    expect(await readLibraryTemplate(templates, other)).toBeInstanceOf(Blob);
    expect(await readLibraryTemplate(templates, library)).toBeUndefined();
    expect(readTemplate(templates)).toBeInstanceOf(Blob);
  });

  test('When a library file has a problem at build time, then the build still makes the migrated template, removes the library template made before, and names the file', async () => {
    const broken = path.join(work, 'broken-requirements');
    await cp(library, broken, { recursive: true });
    const [firstItemFile] = (await readdir(path.join(broken, 'export'))).filter((f) => f.endsWith('.yaml'));
    await writeFile(path.join(broken, 'export', firstItemFile as string), 'key: [ikke avsluttet\n');
    const buildDir = path.join(work, 'build-templates');
    await mkdir(buildDir);
    await copyFile(templateFile(templates), templateFile(buildDir));
    const before = path.join(buildDir, `pglite-template-${migrationsFingerprint()}-library-0123456789abcdef.tar.gz`);
    await writeFile(before, '');

    const lines = await prepareTemplates(buildDir, broken);

    expect(await readdir(buildDir)).toEqual([path.basename(templateFile(buildDir))]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Made no template with the library of ${broken}, so a first start imports it itself.`);
    expect(lines[0]).toContain(firstItemFile as string);
  });
});
