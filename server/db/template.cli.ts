import { DATABASE_TEMPLATE_DIR } from '../shared/paths';
import { ensureTemplate } from './template';

/** Run by `npm run build`: prepares the embedded database's template, so a first start is quick. */
ensureTemplate(DATABASE_TEMPLATE_DIR)
  .then(({ file, created }) => {
    if (created) process.stdout.write(`Prepared the embedded database's template: ${file}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`Could not prepare the database template: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
