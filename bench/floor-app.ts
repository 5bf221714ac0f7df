/**
 * The floor of the load benchmark: Express 5 and express-handlebars with no database, no session
 * and no middleware, rendering a page of the same size and loop count as the page it stands
 * beside (a layout, and a table of ROWS rows padded to PAGE_BYTES). Started by bench/load.run.ts;
 * it prints its port when it listens.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { create } from 'express-handlebars';

const LAYOUT = '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{{title}}</title></head><body><main>{{{body}}}</main></body></html>';
const PAGE = '<h1>{{title}}</h1><table><thead><tr><th>Nøkkel</th><th>Tittel</th><th>Tekst</th></tr></thead><tbody>{{#each rows}}<tr><td><a href="/items/{{key}}">{{key}}</a></td><td>{{title}}</td><td>{{text}}</td></tr>{{/each}}</tbody></table>';

async function main(): Promise<void> {
  const rowCount = Math.max(1, Number(process.env.ROWS ?? 25));
  const pageBytes = Number(process.env.PAGE_BYTES ?? 20_000);
  const dir = await mkdtemp(path.join(tmpdir(), 'datakrav-floor-'));
  await mkdir(path.join(dir, 'layouts'));
  await writeFile(path.join(dir, 'layouts', 'main.hbs'), LAYOUT);
  await writeFile(path.join(dir, 'page.hbs'), PAGE);

  const bare = (text: string) => Array.from({ length: rowCount }, (_, n) => ({ key: `KRAV-${String(n + 1).padStart(3, '0')}`, title: `Krav nummer ${n + 1}`, text }));
  const engine = create({ extname: '.hbs', layoutsDir: path.join(dir, 'layouts'), defaultLayout: 'main' });
  const app = express();
  app.engine('.hbs', engine.engine);
  app.set('view engine', '.hbs');
  app.set('views', dir);
  app.set('view cache', true);
  // Each row's text is padded so that the whole page has the size of the page it is the floor of.
  const empty = await engine.render(path.join(dir, 'page.hbs'), { title: 'Kravbibliotek', rows: bare(''), layout: 'main', settings: { views: dir } } as never);
  const padding = Math.max(0, Math.floor((pageBytes - Buffer.byteLength(`${LAYOUT}${empty}`)) / rowCount));
  const rows = bare('x'.repeat(padding));
  app.get('/page', (_req, res) => res.render('page', { title: 'Kravbibliotek', rows }));
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
