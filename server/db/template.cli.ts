import { prepareTemplates } from '../library/library.template';
import { DATABASE_TEMPLATE_DIR, SHIPPED_LIBRARY_DIR } from '../shared/paths';

/** Run by `npm run build`: prepares the embedded database's templates (see prepareTemplates), so a first start is quick. */
prepareTemplates(DATABASE_TEMPLATE_DIR, SHIPPED_LIBRARY_DIR)
  .then((lines) => {
    for (const line of lines) process.stdout.write(`${line}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`Could not prepare the database template: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
