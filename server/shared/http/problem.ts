import type { Response } from 'express';
import type { FieldError } from '../errors';

/** RFC 9457 problem details; `code` is the stable identifier also carried in `type`. */
export type Problem = {
  type: string;
  code: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};

export const problemType = (code: string) => `urn:datakrav:problem:${code}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Request Error');
}

export function buildProblem(input: { status: number; code: string; detail: string; instance?: string; requestId?: string; errors?: FieldError[]; extensions?: Record<string, unknown> }): Problem {
  return {
    ...input.extensions,
    type: problemType(input.code),
    code: input.code,
    title: statusTitle(input.status),
    status: input.status,
    detail: input.detail,
    ...(input.instance ? { instance: input.instance } : {}),
    ...(input.requestId ? { requestId: input.requestId } : {}),
    ...(input.errors && input.errors.length > 0 ? { errors: input.errors } : {}),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
