import type { RequestHandler } from 'express';
import { z } from 'zod';
import { isAppError, type AppError, type FieldError } from '../errors';
import { defineRoute, type Access, type Flash, type InputSchema, type NoBody, type NoInput, type RouteContext, type RouteDefinition } from './route';

/** Any form's fields, for forms whose values are checked by the service (parameter values, for example). */
export const anyForm = z.record(z.string(), z.unknown());

/** A form's raw fields, kept to re-show what the user typed. */
export type FormValues = Record<string, unknown>;

/**
 * The problems a form shows for an error from a service: the field errors it names, or its
 * message under its code. Errors of the server's own (5xx) are not the user's to fix: `null`.
 */
export function formProblems(error: unknown): { errors: FieldError[]; status: number } | null {
  if (!isAppError(error) || error.status >= 500) return null;
  return { errors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], status: error.status };
}

/** Where a successful form post goes, and the message shown there. */
export type FormOutcome = { to: string; flash?: Flash };

export type FormRouteSpec<P extends InputSchema, B extends z.ZodType, A extends Access> = {
  path: string;
  summary: string;
  access: A;
  params?: P;
  body?: B;
  bodyType?: 'form' | 'multipart';
  middleware?: RequestHandler[];
  /**
   * Shows the form's page again with the problems (`formErrors`) and what was typed (`values`),
   * for invalid input and for a 4xx error from the service.
   */
  rerender: (ctx: RouteContext<z.output<P>, z.output<NoInput>, FormValues, A>, extra: { formErrors: FieldError[]; values: FormValues; refusal?: AppError }, status: number) => Promise<void> | void;
  /**
   * Which of the service's refusals show the form again (`refusal` in `rerender`); the others
   * answer with the error page. Every 4xx when not given.
   */
  reshows?: (refusal: AppError) => boolean;
  /** Does the work; answers where to go next. */
  run: (ctx: RouteContext<z.output<P>, z.output<NoInput>, z.output<B>, A>) => Promise<FormOutcome>;
};

/**
 * A page's form post, the one shape every feature's forms share: validate with the body schema,
 * call the service, redirect (303) with a message; on invalid input or a refusal by the
 * service, show the page again with the problems and what was typed, never losing it.
 */
export function formRoute<P extends InputSchema = NoInput, B extends z.ZodType = NoBody, A extends Access = Access>(spec: FormRouteSpec<P, B, A>): RouteDefinition {
  return defineRoute<P, NoInput, B, A>({
    method: 'post',
    path: spec.path,
    surface: 'page',
    access: spec.access,
    summary: spec.summary,
    bodyType: spec.bodyType ?? 'form',
    ...(spec.middleware ? { middleware: spec.middleware } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    onInvalid: (ctx, errors) => spec.rerender(ctx, { formErrors: errors, values: ctx.body }, 400),
    handler: async (ctx) => {
      try {
        const outcome = await spec.run(ctx);
        ctx.redirect(outcome.to, outcome.flash);
      } catch (error) {
        const problems = formProblems(error);
        if (!problems || !isAppError(error) || spec.reshows?.(error) === false) throw error;
        const values = ctx.body && typeof ctx.body === 'object' ? (ctx.body as FormValues) : {};
        await spec.rerender({ ...ctx, body: values }, { formErrors: problems.errors, values, refusal: error }, problems.status);
      }
    },
  });
}
