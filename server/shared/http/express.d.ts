import type { Actor } from '../../auth/actor';
import type { Translator } from '../i18n';
import type { Locale } from './route';

declare global {
  namespace Express {
    interface Request {
      /** The logged-in user, from the session cookie or a Bearer token. */
      actor: Actor | null;
      requestId: string;
      locale: Locale;
      t: Translator;
      /** CSRF token for forms of visitors who are not logged in (double-submit cookie). */
      anonymousCsrfToken: string | null;
      flash: { kind: string; message: string } | null;
    }
  }
}

export {};
