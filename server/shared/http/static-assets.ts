import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/** A URL prefix and the folder it serves, as `/static/app` serves templates/assets. */
export type AssetMount = { prefix: string; dir: string };

/** A hashed name never changes content, so a browser and every cache between may keep it for a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const HASH_LENGTH = 10;
const HASHED_NAME = new RegExp(`^(.+)\\.([0-9a-f]{${HASH_LENGTH}})(\\.[A-Za-z0-9]+)$`);

type Fingerprint = { mtimeMs: number; size: number; hash: string };

/**
 * Static files under content-hashed names (`/static/app/app.3f9a1c2b7d.css`) with long-lived
 * caching, beside the plain names, which stay served with a short cache for anything that
 * links to them directly. Templates write `{{asset "/static/app/app.css"}}`; the name follows the
 * file's content, so a changed file gets a new URL and no browser keeps the old one.
 */
export function createStaticAssets(mounts: AssetMount[], options: { watch: boolean; plainMaxAge: string | number }) {
  const fingerprints = new Map<string, Fingerprint>();

  function fileOf(url: string): { mount: AssetMount; file: string } | undefined {
    const mount = mounts.find((m) => url.startsWith(`${m.prefix}/`));
    if (!mount) return undefined;
    let relative: string;
    try {
      relative = decodeURIComponent(url.slice(mount.prefix.length + 1));
    } catch {
      return undefined;
    }
    const file = path.join(mount.dir, relative);
    return file.startsWith(mount.dir + path.sep) ? { mount, file } : undefined;
  }

  /** The file's content hash, read once; while developing, again whenever the file changes. */
  function hashOf(file: string): string | undefined {
    const known = fingerprints.get(file);
    if (known && !options.watch) return known.hash;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.hash;
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, HASH_LENGTH);
    fingerprints.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, hash });
    return hash;
  }

  /** The hashed URL of a static file; the plain URL when no such file exists, so a page still renders. */
  function assetUrl(url: string): string {
    const found = fileOf(url);
    const hash = found && hashOf(found.file);
    if (!hash) return url;
    const ext = path.posix.extname(url);
    return `${url.slice(0, url.length - ext.length)}.${hash}${ext}`;
  }

  /** Serves a hashed name when its hash is the file's current one; anything else goes on to the plain files. */
  const hashed: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const match = HASHED_NAME.exec(req.path);
    if (!match) return next();
    const [, base, hash, ext] = match;
    const found = fileOf(`${base}${ext}`);
    if (!found || hashOf(found.file) !== hash) return next();
    res.sendFile(found.file, { headers: { 'Cache-Control': IMMUTABLE_CACHE }, cacheControl: false, dotfiles: 'deny' }, (error) => {
      if (error) next(error);
    });
  };

  function mount(app: Express): void {
    app.use(hashed);
    for (const { prefix, dir } of mounts) {
      app.use(prefix, express.static(dir, { maxAge: options.plainMaxAge, index: false, fallthrough: false }));
    }
  }

  return { assetUrl, mount };
}

export type StaticAssets = ReturnType<typeof createStaticAssets>;
