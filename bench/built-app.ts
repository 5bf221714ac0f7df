import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/shared/paths';

/** What `npm start` runs: the compiled server. */
export const BUILT_ENTRY = path.join(PROJECT_ROOT, 'dist', 'server', 'start.js');

/** Builds the server as `npm start` does before it starts: only when a source is newer than the last build. */
export function buildIfChanged(): void {
  const build = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'server', 'build.cjs'), '--if-changed'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
}
