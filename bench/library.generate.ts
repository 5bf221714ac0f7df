import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadLibraryFiles } from '../server/library/library.files';
import type { ItemFile } from '../server/library/library.schemas';
import { toYaml } from '../server/library/library.versions';
import { PROJECT_ROOT } from '../server/shared/paths';

const SHIPPED = path.join(PROJECT_ROOT, 'requirements');

/** Writes a library of `count` items into `dir`, each a renamed copy of a shipped item, with the shipped sources. */
export async function generateLibrary(dir: string, count: number): Promise<void> {
  await cp(path.join(SHIPPED, 'sources.yaml'), path.join(dir, 'sources.yaml'));
  const shipped = (await loadLibraryFiles(SHIPPED)).items.map((i) => i.item);
  for (let n = 0; n < count; n++) {
    const template = shipped[n % shipped.length] as ItemFile;
    const prefix = `G${String.fromCharCode(65 + Math.floor(n / 999) % 26)}${String.fromCharCode(65 + Math.floor(n / (999 * 26)))}`;
    const key = `${prefix}-${String((n % 999) + 1).padStart(3, '0')}`;
    const item: ItemFile = { ...template, key, title: { nb: `${template.title.nb} (${n})`, en: `${template.title.en} (${n})` }, supersedes: null, replacedBy: null };
    const folder = path.join(dir, item.category);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `${key}.yaml`), toYaml(item));
  }
}
