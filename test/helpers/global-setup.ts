import path from 'node:path';
import { ensureTemplate } from '../../server/db/template';
import { NODE_MODULES_DIR } from '../../server/shared/paths';

/**
 * Runs once before the test files: every test file's embedded database is loaded from one
 * migrated template instead of running initdb and the migrations again.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const { file } = await ensureTemplate(path.join(NODE_MODULES_DIR, '.cache', 'datakrav-test'));
  process.env.DATAKRAV_TEST_TEMPLATE = file;
}
