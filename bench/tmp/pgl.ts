import { PGlite } from '@electric-sql/pglite';
import { createDatabase } from '../../server/db/client';
async function main() {
  let t = performance.now();
  const h = await createDatabase({ inMemory: true });
  console.log('create mem', Math.round(performance.now() - t)); t = performance.now();
  await h.migrate();
  console.log('migrate', Math.round(performance.now() - t)); t = performance.now();
  const client = (h.db as any).$client as PGlite;
  const dump = await client.dumpDataDir('gzip');
  console.log('dump', Math.round(performance.now() - t), dump.size); t = performance.now();
  const c2 = await PGlite.create({ loadDataDir: dump });
  console.log('load mem', Math.round(performance.now() - t)); t = performance.now();
  const r = await c2.query("select count(*) from information_schema.tables where table_schema='public'");
  console.log(r.rows, Math.round(performance.now() - t));
  const dump2 = await client.dumpDataDir('none');
  t = performance.now();
  const c3 = await PGlite.create({ loadDataDir: dump2 });
  console.log('load mem uncompressed', Math.round(performance.now() - t), dump2.size);
}
main();
