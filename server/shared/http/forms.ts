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
 * message under `path` (its code if not given). Errors of the server's own (5xx) are not the
 * user's to fix: `null`.
 */
export function formProblems(error: unknown, path?: string): FormProblems | null {
  if (!isAppError(error) || error.status >= 500) return null;
  return { errors: error.errors.length > 0 ? error.errors : [{ path: path ?? error.code, message: error.message }], status: error.status };
}

/**
 * For a form based on an old version: who changed the entity, when, and its version now. The page
 * shows the current state beside what the user typed; `values.version` is the current version, so
 * a second submit, made after seeing the other change, applies to it.
 */
export type FormConflict = { currentVersion: number; changedBy: string | null; changedAt: string | null };

/** A field whose saved value differs from what the user typed, as the conflict notice shows it. */
export type ConflictField = { label: string; stored: string; typed: string };

/** A value as the notice prints it: lists joined, texts in both languages side by side. */
const shown = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(shown).join(', ');
  // Texts in both languages: bokmål first, whatever order the object's keys were stored in.
  if (typeof value === 'object') return Object.entries(value).sort(([a], [b]) => Number(b === 'nb') - Number(a === 'nb') || a.localeCompare(b)).map(([, v]) => shown(v)).filter(Boolean).join(' / ');
  return String(value);
};

/**
 * The fields of a refused form whose saved value (the other person's change) differs from what
 * the user typed, each with its label: what the page shows beside the form, which keeps the typed values.
 */
export function conflictFields(stored: Record<string, unknown>, typed: FormValues, labels: Record<string, string>): ConflictField[] {
  return Object.entries(labels)
    .filter(([name]) => typed[name] !== undefined && shown(stored[name]).trim() !== shown(typed[name]).trim())
    .map(([name, label]) => ({ label, stored: shown(stored[name]), typed: shown(typed[name]) }));
}

function conflictOf(error: unknown): FormConflict | undefined {
  if (!isAppError(error) || error.code !== 'conflict.stale_version') return undefined;
  const { currentVersion, changedBy, changedAt } = error.extensions as Partial<FormConflict>;
  return typeof currentVersion === 'number' ? { currentVersion, changedBy: changedBy ?? null, changedAt: changedAt ?? null } : undefined;
}

/** The problems a form shows again, with the status of that answer. */
export type FormProblems = { errors: FieldError[]; status: number };

/**
 * Where a successful form post goes, and the message shown there; or `{ shown: true }` when
 * `run` has shown a page itself, for what may be shown only once (a new invitation link or API
 * token), which a redirect would have to carry in a cookie.
 */
export type FormOutcome = { to: string; flash?: Flash } | { shown: true };

export type FormRouteSpec<P extends InputSchema, B extends z.ZodType, A extends Access> = {
  path: string;
  summary: string;
  access: A;
  params?: P;
  body?: B;
  bodyType?: 'form' | 'multipart';
  middleware?: RequestHandler[];
  /** The field a refusal that names no field is shown at, for a form with one field that matters (an upload's `file`); else the error's code. */
  problemPath?: string;
  /**
   * Shows the form's page again with the problems (`formErrors`) and what was typed (`values`),
   * for invalid input and for a 4xx error from the service (`refusal`, the error itself).
   */
  rerender: (ctx: RouteContext<z.output<P>, z.output<NoInput>, FormValues, A>, extra: { formErrors: FieldError[]; values: FormValues; conflict?: FormConflict; refusal?: AppError }, status: number) => Promise<void> | void;
  /** Does the work; answers where to go next. */
  run: (ctx: RouteContext<z.output<P>, z.output<NoInput>, z.output<B>, A>) => Promise<FormOutcome>;
  /**
   * Which errors from `run` the form shows again, and how; by default every 4xx error
   * (`formProblems`). An error it answers `null` for goes to the error page.
   */
  problems?: (error: unknown, ctx: RouteContext<z.output<P>, z.output<NoInput>, z.output<B>, A>) => FormProblems | null;
};

/**
 * A page's form post, the one shape every feature's forms share: validate with the body schema,
 * call the service, redirect (303) with a message; on invalid input or a refusal by the
 * service, show the page again with the problems and what was typed, never losing it. A refusal
 * because someone else changed the entity first (409) also passes `conflict`.
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
        if ('to' in outcome) ctx.redirect(outcome.to, outcome.flash);
      } catch (error) {
        const problems = spec.problems ? spec.problems(error, ctx) : formProblems(error, spec.problemPath);
        if (!problems || !isAppError(error)) throw error;
        const typed = ctx.body && typeof ctx.body === 'object' ? (ctx.body as FormValues) : {};
        const conflict = conflictOf(error);
        const values = conflict ? { ...typed, version: conflict.currentVersion } : typed;
        await spec.rerender({ ...ctx, body: values }, { formErrors: problems.errors, values, refusal: error, ...(conflict ? { conflict } : {}) }, problems.status);
      }
    },
  });
}
