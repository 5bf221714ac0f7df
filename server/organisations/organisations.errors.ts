import { AppError } from '../shared/errors';

export const organisationNotFound = () => new AppError('organisation.not_found', 404, 'No such organisation.');
export const roleRequired = (roles: readonly string[]) =>
  new AppError('organisation.role_required', 403, `This needs the role ${roles.join(' or ')} in the organisation.`);
export const lastOwner = () => new AppError('organisation.last_owner', 409, 'An organisation must keep at least one owner.');
export const memberNotFound = () => new AppError('organisation.member_not_found', 404, 'No such member.');
export const alreadyMember = () => new AppError('organisation.already_member', 409, 'This person is already a member.');
export const duplicateOrganisation = (field: 'name' | 'orgNumber') =>
  new AppError('organisation.duplicate', 409, field === 'name' ? 'An organisation with this name exists.' : 'An organisation with this organisation number exists.', {
    errors: [{ path: field, message: 'is already in use' }],
  });
export const invalidParent = () =>
  new AppError('organisation.invalid_parent', 422, 'A council must belong to a buyer organisation.', { errors: [{ path: 'parentId', message: 'must be a buyer organisation' }] });
export const invitationNotFound = () => new AppError('invitation.not_found', 404, 'The invitation does not exist, has been used, has been withdrawn or has expired.');
export const invitationEmailMismatch = () =>
  new AppError('invitation.email_mismatch', 403, 'This invitation is for another email address. Log out and open the link again.');
export const invitationNeedsLogin = () =>
  new AppError('invitation.login_required', 409, 'An account with this email exists. Log in with it and open the link again.');
