import type { CookieOptions, Response } from 'express';

export type CookieSettings = { secure: boolean };

/** With Secure cookies the `__Host-` prefix pins the cookie to this host and path. */
export function cookieNames(settings: CookieSettings) {
  const prefix = settings.secure ? '__Host-' : '';
  return { session: `${prefix}dk_session`, csrf: `${prefix}dk_csrf`, flash: `${prefix}dk_flash`, lang: `${prefix}dk_lang` };
}

export function cookieOptions(settings: CookieSettings, overrides: Partial<CookieOptions> = {}): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: settings.secure, path: '/', ...overrides };
}

export function setFlash(res: Response, settings: CookieSettings, flash: { kind: string; message: string }): void {
  res.cookie(cookieNames(settings).flash, JSON.stringify(flash), cookieOptions(settings, { maxAge: 60_000 }));
}
