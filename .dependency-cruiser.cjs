/**
 * The import graph's rules, checked by `npm run lint`: no import circles, and features never
 * reach up to the composition root (server/services.ts) or the app that mounts them.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other, directly or through others. Move what both need into one place.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'features-do-not-import-the-composition-root',
      severity: 'error',
      comment: 'A feature receives the services it uses as arguments, typed by its own modules (STYLE.md, habit 11).',
      from: { path: '^server/', pathNot: ['^server/(app|start|services)\\.ts$', '^server/demo/', '^server/.*\\.cli\\.ts$', '^server/library/library\\.sync-command\\.ts$'] },
      to: { path: '^server/(services|app|start)\\.ts$' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A source file that imports nothing and that nothing imports is dead code.',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '^server/start\\.ts$', '^server/.*\\.cli\\.ts$', '^server/db/schema\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|data)/' },
  },
};
