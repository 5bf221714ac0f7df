import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SYSTEM_AUDIT } from '../../server/auth/actor';
import { loadLibraryFiles } from '../../server/library/library.files';
import type { SyncReport } from '../../server/library/library.sync';
import type { Services } from '../../server/services';
import { PROJECT_ROOT } from '../../server/shared/paths';

export const SHIPPED_LIBRARY = path.join(PROJECT_ROOT, 'requirements');

export async function syncLibraryFrom(services: Services, dir: string = SHIPPED_LIBRARY): Promise<SyncReport> {
  return services.library.sync(await loadLibraryFiles(dir), SYSTEM_AUDIT);
}

/** A scratch copy of the shipped library that a test may break or extend. */
export async function copyOfLibrary(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'datakrav-library-'));
  await cp(SHIPPED_LIBRARY, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
