import { libraryTemplateContents } from '../library/library.template';
import { DATABASE_TEMPLATE_DIR, SHIPPED_LIBRARY_DIR } from '../shared/paths';
import { ensureTemplate } from './template';

/**
 * Run by `npm run build`: prepares the embedded database's templates, so a first start is quick.
 * The migrated empty one is kept while the migrations are unchanged. The one with the shipped
 * library synced into it is made again at every build, since the code that syncs it is built too.
 */
async function main(): Promise<void> {
  const plain = await ensureTemplate(DATABASE_TEMPLATE_DIR);
  if (plain.created) process.stdout.write(`Prepared the embedded database's template: ${plain.file}\n`);
  const withLibrary = await ensureTemplate(DATABASE_TEMPLATE_DIR, await libraryTemplateContents(SHIPPED_LIBRARY_DIR), { replace: true });
  process.stdout.write(`Prepared the embedded database's template with the library of ${SHIPPED_LIBRARY_DIR}: ${withLibrary.file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not prepare the database template: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
