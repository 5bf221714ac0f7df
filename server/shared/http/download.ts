import type { Response } from 'express';

/** A generated file: its bytes, name and media type, and its SHA-256 when its generation was audited. */
export type DownloadFile = { bytes: Buffer; filename: string; contentType: string; sha256?: string };

/**
 * Answers with a file to save (`Content-Disposition: attachment`). The SHA-256 goes out as
 * `X-Content-SHA256`, so what a user keeps can be matched with the audit log's entry.
 */
export function sendDownload(res: Response, file: DownloadFile): void {
  if (file.sha256) res.set('X-Content-SHA256', file.sha256);
  res.type(file.contentType).attachment(file.filename).send(file.bytes);
}
