import { createHash } from 'node:crypto';
import type { Response } from 'supertest';

/** A Supertest parser that keeps a download's bytes as one Buffer: `.buffer(true).parse(binary)`. */
export const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The SHA-256 of some bytes, as lowercase hex. */
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
