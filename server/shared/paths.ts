import { existsSync } from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The project folder, whether the code runs from server/ (tsx, tests) or dist/server/ (built). */
export const PROJECT_ROOT = findProjectRoot(__dirname);
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'server', 'db', 'migrations');
export const LOCALES_DIR = path.join(PROJECT_ROOT, 'server', 'locales');
/** The requirement library that ships with the app (the default LIBRARY_DIR). */
export const SHIPPED_LIBRARY_DIR = path.join(PROJECT_ROOT, 'requirements');
export const NODE_MODULES_DIR = path.join(PROJECT_ROOT, 'node_modules');
/** Where `npm run build` writes the compiled server and the embedded database's template. */
export const BUILD_DIR = path.join(PROJECT_ROOT, 'dist');
export const DATABASE_TEMPLATE_DIR = path.join(BUILD_DIR, 'db-template');
