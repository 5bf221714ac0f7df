import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger';
import { AppError, isAppError } from '../errors';
import { basePageData } from '../views';
import { buildProblem, sendProblem, statusTitle } from './problem';

type HttpishError = Error & { status?: number; statusCode?: number; type?: string; expose?: boolean; code?: string };

const CONCURRENT_CHANGE = { status: 409, code: 'conflict.concurrent_change', detail: 'Someone else changed this at the same time. Try again.' };

const PG_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  '23505': { status: 409, code: 'conflict.duplicate', detail: 'This conflicts with something that already exists.' },
  '23503': { status: 409, code: 'conflict.reference', detail: 'This refers to something that does not exist or is still in use.' },
  '22P02': { status: 400, code: 'request.invalid_value', detail: 'A value in the request has the wrong form.' },
  '22001': { status: 400, code: 'request.value_too_long', detail: 'A value in the request is too long.' },
  '22021': { status: 400, code: 'request.invalid_value', detail: 'A value in the request contains a character that cannot be stored.' },
  '22P05': { status: 400, code: 'request.invalid_value', detail: 'A value in the request contains a character that cannot be stored.' },
  '22007': { status: 400, code: 'request.invalid_value', detail: 'A date in the request has the wrong form.' },
  '22008': { status: 400, code: 'request.invalid_value', detail: 'A date in the request is out of range.' },
  '22009': { status: 400, code: 'request.invalid_value', detail: 'A date in the request is out of range.' },
  '40001': CONCURRENT_CHANGE,
  // A deadlock between two concurrent writers: PostgreSQL aborted this one, the other went through.
  '40P01': CONCURRENT_CHANGE,
};

/** Turns any thrown value into an AppError; unknown errors become an internal 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const err = error as HttpishError;
  const pgCode = typeof err?.code === 'string' ? err.code : typeof (err?.cause as HttpishError | undefined)?.code === 'string' ? (err.cause as HttpishError).code : undefined;
  if (pgCode && PG_ERRORS[pgCode]) {
    const known = PG_ERRORS[pgCode];
    return new AppError(known.code, known.status, known.detail, { cause: error });
  }
  switch (err?.type) {
    case 'entity.too.large':
      return new AppError('request.too_large', 413, 'The request body is larger than this server accepts.');
    case 'entity.parse.failed':
      return new AppError('request.malformed_json', 400, 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('request.unsupported_encoding', 415, 'The request body uses an encoding this server does not accept.');
    case 'parameters.too.many':
      return new AppError('request.too_many_fields', 413, 'The form has too many fields.');
    default:
      break;
  }
  if (err?.code === 'LIMIT_FILE_SIZE') return new AppError('upload.too_large', 413, 'The file is larger than this server accepts.');
  if (typeof err?.code === 'string' && err.code.startsWith('LIMIT_')) return new AppError('upload.rejected', 400, `The upload was refused: ${err.message}.`);
  const status = err?.status ?? err?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('request.invalid', status, err.expose !== false && err.message ? err.message : statusTitle(status));
  }
  return new AppError('internal', 500, 'Something went wrong on the server. The error has been logged.', { internal: true, cause: error });
}

function wantsProblem(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/api' || (!req.accepts('html') && Boolean(req.accepts('json')));
}

function renderErrorPage(req: Request, res: Response, error: AppError): void {
  const t = req.t;
  const codeKey = `errors.codes.${error.code}`;
  const message = t ? t(codeKey) : codeKey;
  res.status(error.status).render('error', {
    ...basePageData(req),
    title: t ? t(`errors.status.${error.status}`, { defaultValue: statusTitle(error.status) }) : statusTitle(error.status),
    status: error.status,
    message: message === codeKey ? (error.internal ? t('errors.internal') : error.message) : message,
    fieldErrors: error.errors,
    showLogin: error.status === 401,
  });
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    const log = (req as Request & { log?: Logger }).log ?? logger;
    if (appError.internal) log.error({ err: error, requestId: req.requestId }, 'request failed');
    else log.info({ code: appError.code, status: appError.status }, appError.message);
    if (res.headersSent) {
      res.end();
      return;
    }
    const retryAfter = appError.extensions.retryAfter;
    if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    if (wantsProblem(req)) {
      sendProblem(
        res,
        buildProblem({
          status: appError.status,
          code: appError.code,
          detail: appError.message,
          instance: req.originalUrl,
          requestId: req.requestId,
          errors: appError.errors,
          extensions: appError.extensions,
        }),
      );
      return;
    }
    try {
      renderErrorPage(req, res, appError);
    } catch (renderError) {
      log.error({ err: renderError }, 'error page failed');
      res.status(appError.status).type('text/plain').send(statusTitle(appError.status));
    }
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('request.not_found', 404, `Nothing is found at ${req.path}.`));
};
