/**
 * The check worker when Datakrav runs from its TypeScript sources (tests, tsx): a worker thread
 * starts without the parent's TypeScript loader, so this registers tsx's require hook first.
 * The build (npm start) runs the compiled checks.worker.js instead; see checks.pool.ts.
 */
const { register } = require('tsx/cjs/api');

register();
module.exports = require('./checks.worker.ts');
