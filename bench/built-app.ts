import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/shared/paths';

/** What `npm start` runs: the compiled server. */
export const BUILT_ENTRY = path.join(PROJECT_ROOT, 'dist', 'server', 'start.js');

/** The Node.js options `npm start` gives the server (the words between `node` and the entry in package.json's start script). */
export const START_NODE_OPTIONS: string[] = startNodeOptions();

function startNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const entry = words.indexOf(path.relative(PROJECT_ROOT, BUILT_ENTRY).split(path.sep).join('/'));
  if (words[0] !== 'node' || entry < 0) throw new Error(`package.json's start script is not "node [options] dist/server/start.js": ${pkg.scripts.start}`);
  return words.slice(1, entry);
}

/** Builds the server as `npm start` does before it starts: only when a source is newer than the last build. */
export function buildIfChanged(): void {
  const build = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'server', 'build.cjs'), '--if-changed'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
}
