import { rmSync } from 'node:fs';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, isAppError } from '../errors';

export type UploadedFile = Express.Multer.File;

/**
 * Reads one uploaded file, field `file`, into memory, refusing anything above `limitBytes`.
 * Multer hands busboy's errors for a broken multipart body (no boundary, cut off in the middle)
 * on as plain errors; they are the client's, not the server's.
 */
export function singleFileUpload(limitBytes: number, fields = 20): RequestHandler {
  const read = multer({ storage: multer.memoryStorage(), limits: { fileSize: limitBytes, files: 1, fields } }).single('file');
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
}

/** Reads up to `maxFiles` uploaded files, field `files`, into memory, each at most `limitBytes`. */
export function multiFileUpload(limitBytes: number, maxFiles: number, fields = 20): RequestHandler {
  const read = multer({ storage: multer.memoryStorage(), limits: { fileSize: limitBytes, files: maxFiles, fields } }).array('files', maxFiles);
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
}

/** The files a `multiFileUpload` read; empty when none was sent (a file input left empty sends none). */
export function uploadedFiles(req: Request): UploadedFile[] {
  return Array.isArray(req.files) ? req.files.filter((f) => f.size > 0 || f.originalname !== '') : [];
}

/** The file a `singleFileUpload` read; without one, the feature's own error (a 400 naming the field). */
export function uploadedFile(req: Request, missing: () => AppError): UploadedFile {
  if (!req.file) throw missing();
  return req.file;
}

/**
 * Writes one uploaded file, field `file`, to a temporary file in `directory` instead of memory,
 * for uploads as large as a whole installation; refuses anything above `limitBytes`. The handler
 * moves the file away if it keeps it; whatever is left when the response has been sent is
 * removed, so a request refused after the upload was read (a wrong CSRF token, a body or a role
 * refused before the handler ran, an error) leaves no file behind.
 */
export function singleFileToDisk(limitBytes: number, directory: string, fields = 20): RequestHandler {
  const read = multer({ storage: multer.diskStorage({ destination: directory }), limits: { fileSize: limitBytes, files: 1, fields } }).single('file');
  return (req, res, next) => {
    // Removed at once when the response has been handed over (before the client can read it),
    // or when the connection closes first.
    const removeLeftover = () => {
      if (req.file?.path) rmSync(req.file.path, { force: true });
    };
    res.once('finish', removeLeftover);
    res.once('close', removeLeftover);
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
  };
}
