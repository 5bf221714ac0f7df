import { AppError } from '../shared/errors';

/**
 * Refusals of a login through a provider. Each has its own code so the login error page and the
 * audit log can say what went wrong; none says more to the browser than the user can act on.
 */
export const providerNotFound = () => new AppError('sso.provider_not_found', 404, 'No such identity provider is configured here.');
export const providerUnavailable = (cause: unknown) =>
  new AppError('sso.provider_unavailable', 502, 'The identity provider did not answer. Try again later, or ask your administrator.', { cause });
export const providerMisconfigured = (detail: string) => new AppError('sso.provider_misconfigured', 502, `The identity provider is not configured correctly here: ${detail}.`);
export const loginStateMismatch = () => new AppError('sso.state_mismatch', 400, 'This login did not start in this browser, or has already been used. Start the login again.');
export const loginExpired = () => new AppError('sso.login_expired', 400, 'The login took too long or has already been used. Start the login again.');
export const tokenRejected = (reason: string, cause: unknown) =>
  new AppError('sso.token_rejected', 401, 'The answer from the identity provider could not be verified, so you were not logged in.', { cause, extensions: { reason } });
export const providerRefused = (error: string) => new AppError('sso.provider_refused', 401, 'The identity provider did not log you in.', { extensions: { reason: error } });
export const noAccount = () => new AppError('sso.no_account', 403, 'You have no account here, and this identity provider does not create accounts. Ask your organisation’s owner for an invitation.');
export const emailTaken = () =>
  new AppError('sso.email_taken', 409, 'An account with your e-mail address already exists. Log in with your password and link the identity provider from your account page.');
export const identityLinkedElsewhere = () => new AppError('sso.identity_linked_elsewhere', 409, 'This identity at the provider is already linked to another account.');
export const linkSessionChanged = () => new AppError('sso.link_session_changed', 403, 'You must stay logged in as the same user while linking. Start again from your account page.');
export const accountDisabled = () => new AppError('sso.account_disabled', 403, 'This account is disabled.');
export const secretKeyMissing = () =>
  new AppError('sso.secret_key_missing', 422, 'OIDC_SECRET_KEY is not set, so a client secret cannot be stored. Set it, or use the environment provider.', { errors: [{ path: 'clientSecret', message: 'cannot be stored without OIDC_SECRET_KEY' }] });
export const slugTaken = () => new AppError('sso.slug_taken', 409, 'Another identity provider already uses this short name.', { errors: [{ path: 'slug', message: 'is taken' }] });
export const vendorProvider = () =>
  new AppError('sso.vendor_organisation', 422, 'Vendor organisations log in with invitations and passwords; an identity provider belongs to a buyer or council.', { errors: [{ path: 'organisationId', message: 'is a vendor' }] });
export const mappingExists = () => new AppError('sso.mapping_exists', 409, 'This claim value is already mapped to a role in this organisation.');
export const mappingNotFound = () => new AppError('sso.mapping_not_found', 404, 'No such role mapping.');
export const ssoPolicyWithoutProvider = () =>
  new AppError('sso.policy_without_provider', 409, 'The organisation has no enabled identity provider, so requiring it would lock every member out.');
