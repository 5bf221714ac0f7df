import type { z } from 'zod';
import { badRequest, type FieldError } from '../errors';

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || '(body)',
    message: issue.message,
  }));
}

/** Parses one part of a request; an invalid value is a 400 naming each field. */
export function parsePart<T extends z.ZodType>(schema: T, value: unknown, part: 'params' | 'query' | 'body'): { ok: true; data: z.infer<T> } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: fieldErrors(result.error, part === 'body' ? '' : part) };
}

export function validationError(errors: FieldError[]) {
  return badRequest('validation.failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, errors);
}
