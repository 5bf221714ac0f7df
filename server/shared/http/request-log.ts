import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { stdSerializers, type Level } from 'pino';
import type { Logger } from '../logger';

/** A request id the caller sends (a proxy's, say) is kept when it is this plain; any other is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The level a finished request is logged at: failures as errors, refusals as info, the rest for debugging. */
function levelOf(statusCode: number, failed: boolean): Level {
  if (failed || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'info' : 'debug';
}

/**
 * Gives every request an id (answered in `X-Request-Id` and kept as `req.requestId`), a logger
 * `req.log` whose lines carry the request, and a line when it is answered: "request completed"
 * with the response and its time, "request errored" at error level for a 5xx. The lines are those
 * pino-http writes, with its serializers; the request's own logger is made only when a line is
 * written, since binding the request serializes it, and at the default level most requests
 * write nothing.
 */
export function requestLogging(logger: Logger, options: { ignore: (req: Request) => boolean }): RequestHandler {
  const base = logger.child({}, { serializers: { req: stdSerializers.req, res: stdSerializers.res, err: stdSerializers.err } });
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.requestId = id;
    let requestLogger: Logger | undefined;
    const log = () => (requestLogger ??= base.child({ req: Object.assign(req, { id }) }));
    Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: log });

    if (!options.ignore(req)) {
      const started = Date.now();
      const answered = (error?: unknown) => {
        res.off('finish', answered);
        res.off('close', answered);
        res.off('error', answered);
        const failed = error instanceof Error;
        const level = levelOf(res.statusCode, failed);
        if (!base.isLevelEnabled(level)) return;
        const responseTime = Date.now() - started;
        if (level === 'error') {
          const err = failed ? error : new Error(`failed with status code ${res.statusCode}`);
          log().error({ res, err, responseTime }, 'request errored');
        } else {
          log()[level]({ res, responseTime }, 'request completed');
        }
      };
      res.on('finish', answered);
      res.on('close', answered);
      res.on('error', answered);
    }
    next();
  };
}
