import { brotliCompressSync, constants as zlib, deflateSync, gzipSync } from 'node:zlib';
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import Negotiator from 'negotiator';

/** Bodies below this are sent as they are: compressing them saves less than its headers cost. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * The largest whole body compressed in the request's own turn. A 30 KB page takes about 0.1 ms
 * with the fastest gzip level and brotli quality 4; a body of this size takes a few
 * milliseconds, and anything larger is compressed as a stream, off the event loop.
 */
export const WHOLE_BODY_LIMIT = 256 * 1024;

type Encoding = 'br' | 'gzip' | 'deflate';

// The same choices the `compression` package makes: brotli or gzip where the client weighs them
// alike, the fastest gzip level (a page shrinks to about a fifth, as with the default level, for a
// third of its CPU time) and brotli quality 4.
const AVAILABLE = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED = ['br', 'gzip'];
const GZIP_LEVEL = zlib.Z_BEST_SPEED;
const BROTLI_QUALITY = 4;

const compressors: Record<Encoding, (body: Buffer) => Buffer> = {
  br: (body) => brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: (body) => gzipSync(body, { level: GZIP_LEVEL }),
  deflate: (body) => deflateSync(body, { level: GZIP_LEVEL }),
};

/** The encoding the client accepts best, or undefined when it sent no Accept-Encoding or takes only the body as it is. */
function negotiatedEncoding(req: Request): Encoding | undefined {
  if (!req.headers['accept-encoding']) return undefined;
  const [best] = new Negotiator(req).encodings(AVAILABLE, { preferred: PREFERRED });
  return best === 'br' || best === 'gzip' || best === 'deflate' ? best : undefined;
}

/**
 * Response compression in two ways. A page or a JSON answer arrives whole, in one `res.end`, and is
 * compressed there at once: a compression stream for it costs the event loop more than the
 * compression itself (its zlib context, its hand-off to the thread pool and back, its events), and
 * under load that was a tenth of a library page's time. Everything else, a body written in parts
 * or larger than WHOLE_BODY_LIMIT, goes through the `compression` package's stream. Both send
 * `Vary: Accept-Encoding`, skip HEAD, 204, 304, `Cache-Control: no-transform` and what `filter`
 * refuses, and leave a body already encoded as it is.
 */
export function compressResponses(options: { filter: (req: Request, res: Response) => boolean }): RequestHandler[] {
  const streaming = compression({ filter: options.filter, level: GZIP_LEVEL, threshold: COMPRESSION_THRESHOLD, brotli: { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } } });

  const wholeBody: RequestHandler = (req, res, next) => {
    const end = res.end as (chunk?: unknown, encoding?: unknown, callback?: unknown) => Response;
    res.end = function endCompressed(this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) {
      const body = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : chunk;
      if (!Buffer.isBuffer(body) || this.headersSent || !compressibleWhole(req, this, body, options.filter)) return end.call(this, chunk, encoding, callback);
      this.vary('Accept-Encoding');
      const encodingName = negotiatedEncoding(req);
      if (!encodingName) return end.call(this, chunk, encoding, callback);
      const compressed = compressors[encodingName](body);
      this.setHeader('Content-Encoding', encodingName);
      this.setHeader('Content-Length', compressed.length);
      return end.call(this, compressed, typeof encoding === 'function' ? encoding : callback);
    } as Response['end'];
    next();
  };

  return [streaming, wholeBody];
}

function compressibleWhole(req: Request, res: Response, body: Buffer, filter: (req: Request, res: Response) => boolean): boolean {
  if (body.length < COMPRESSION_THRESHOLD || body.length > WHOLE_BODY_LIMIT) return false;
  if (req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) return false;
  const current = res.getHeader('Content-Encoding');
  if (current !== undefined && current !== 'identity') return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(res.getHeader('Cache-Control') ?? ''))) return false;
  return filter(req, res);
}
