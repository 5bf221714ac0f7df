import { AppError } from '../shared/errors';

export const invalidCredentials = () => new AppError('auth.invalid_credentials', 401, 'The email or password is wrong.');
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError('auth.too_many_attempts', 429, 'Too many failed logins for this account. Wait a while and try again.', { extensions: { retryAfter: retryAfterSeconds } });
export const wrongCurrentPassword = () =>
  new AppError('auth.wrong_current_password', 400, 'The current password is wrong.', { errors: [{ path: 'currentPassword', message: 'is wrong' }] });
export const csrfRejected = () => new AppError('auth.csrf_rejected', 403, 'The form has expired or did not come from this site. Reload the page and try again.');
export const apiTokenNotFound = () => new AppError('auth.api_token_not_found', 404, 'No such API token.');
export const adminOnly = () => new AppError('auth.admin_only', 403, 'Only an administrator can do this.');
export const ssoRequired = (organisationName: string) =>
  new AppError('auth.sso_required', 403, `${organisationName} requires you to log in through its identity provider; password login is turned off for its members.`, { extensions: { organisation: organisationName } });
