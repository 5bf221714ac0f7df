import { AppError, badRequest, type FieldError } from '../shared/errors';
import type { RevisionStatus } from './joint-sets.table';

export const jointSetNotFound = () => new AppError('joint_set.not_found', 404, 'No such joint requirement set, or it is not shared with your organisation.');
export const revisionNotFound = () => new AppError('joint_set.revision_not_found', 404, 'No such revision of this joint requirement set, or it is not shared with your organisation.');
export const itemNotFound = () => new AppError('joint_set.item_not_found', 404, 'No such item in this revision.');
export const sectionNotFound = () => new AppError('joint_set.section_not_found', 404, 'No such section in this revision.');
export const commentNotFound = () => new AppError('joint_set.comment_not_found', 404, 'No such comment on this revision.');
export const deviationNotFound = () => new AppError('joint_set.deviation_not_found', 404, 'Your organisation has no deviation from this item.');
export const coordinatorRequired = () => new AppError('joint_set.coordinator_required', 403, 'Only owners and editors of the coordinating organisation can do this.');
export const participantRequired = () => new AppError('joint_set.participant_required', 403, 'Only owners and editors of an organisation that takes part in the set can do this.');
export const ownerRequired = () => new AppError('joint_set.owner_required', 403, 'Only the owner of a participating organisation can sign off or decline a revision on its behalf.');
export const buyerRequired = () =>
  new AppError('joint_set.buyer_required', 403, 'Joint requirement sets are coordinated by a buyer organisation; you need the owner or editor role in one.', { errors: [{ path: 'organisationId', message: 'must be a buyer organisation where you are owner or editor' }] });
export const organisationRequired = () =>
  new AppError('joint_set.organisation_required', 400, 'You are owner or editor in more than one organisation that could do this; say which one in organisationId.', { errors: [{ path: 'organisationId', message: 'is required' }] });
export const wrongState = (status: RevisionStatus, action: string) => new AppError('joint_set.wrong_state', 409, `A revision in ${status} cannot ${action}.`, { extensions: { status } });
export const openRevisionExists = () => new AppError('joint_set.open_revision_exists', 409, 'The set already has a revision in draft or consultation; finish it before starting a new one.');
export const unresolvedComments = (count: number) => new AppError('joint_set.unresolved_comments', 409, `${count} comment(s) of the consultation are not answered yet; resolve every comment before adopting.`, { extensions: { unresolved: count } });
export const emptyRevision = () => new AppError('joint_set.empty_revision', 422, 'A revision without items cannot go to consultation or be adopted.', { errors: [{ path: 'items', message: 'add at least one item' }] });
export const participantInvalid = () =>
  new AppError('joint_set.participant_invalid', 422, 'A participant must be another buyer organisation.', { errors: [{ path: 'organisationId', message: 'must be another buyer organisation' }] });
export const invitationNotPending = () => new AppError('joint_set.invitation_not_pending', 409, 'Your organisation has no pending invitation to this set.');
export const alreadySigned = () => new AppError('joint_set.already_signed', 409, 'Your organisation has already signed this revision; a sign-off is final.');
export const libraryItemUnavailable = (keys: string[]) =>
  new AppError('joint_set.library_item_unavailable', 422, `No released library version for: ${keys.join(', ')}.`, { errors: keys.map((key) => ({ path: 'keys', message: `${key} is not a released library item` })) });
export const invalidParameterValues = (errors: FieldError[]) =>
  new AppError('joint_set.invalid_parameter_values', 400, `Some parameter values are invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
export const deviationInvalid = (message: string, path: string) => new AppError('joint_set.deviation_invalid', 422, message, { errors: [{ path, message }] });
export const packageInvalid = (problems: FieldError[]) =>
  new AppError('joint_set.package_invalid', 422, `The package cannot be read: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { errors: problems });
export const packageConflict = (conflicts: { key: string; version: string }[]) =>
  new AppError(
    'joint_set.package_conflict',
    409,
    `Nothing was imported: ${conflicts.map((c) => `${c.key} ${c.version}`).join(', ')} already exist in this installation with other content.`,
    { errors: conflicts.map((c) => ({ path: `items.${c.key}@${c.version}`, message: `${c.key} ${c.version} exists here with other content` })), extensions: { conflicts } },
  );
export const packageRevisionExists = (number: number) => new AppError('joint_set.package_revision_exists', 409, `Revision ${number} of this set is already in this installation; nothing was imported.`);
export const packageMissing = () => badRequest('joint_set.package_missing', 'Attach the package as the field "file".', [{ path: 'file', message: 'is required' }]);
