/**
 * `npm run build` compiles the server and prepares the embedded database's template.
 * `npm start` runs it with --if-changed: then it builds only when a source (server/, the
 * TypeScript configuration, package.json or its lock file) is newer than the last build, so a
 * start on an unchanged checkout loads no compiler.
 */
const { spawnSync } = require('node:child_process');
const { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newestSourceMs() {
  let newest = 0;
  const files = readdirSync(path.join(root, 'server'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  for (const file of [...files, ...inputs.map((name) => path.join(root, name))]) {
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (!existsSync(stamp) || !existsSync(path.join(root, 'dist', 'server', 'start.js'))) return false;
  const templates = path.join(root, 'dist', 'db-template');
  if (!existsSync(templates) || readdirSync(templates).length === 0) return false;
  return newestSourceMs() <= statSync(stamp).mtimeMs;
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!(process.argv.includes('--if-changed') && upToDate())) {
  // The stamp takes the time the build started, so a file saved during the build is newer than it.
  const started = new Date();
  run([require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
  run([path.join('dist', 'server', 'db', 'template.cli.js')]);
  closeSync(openSync(stamp, 'a'));
  utimesSync(stamp, started, started);
}
