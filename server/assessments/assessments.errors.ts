import { AppError } from '../shared/errors';

export const profileNotFound = () => new AppError('profile.not_found', 404, 'No such assessment profile, or it is not shared with you.');
export const profileEditorRequired = () => new AppError('profile.editor_required', 403, 'Only owners, editors and assessors of the organisation that owns the profile can change it.');
export const profileReadOnly = () => new AppError('profile.read_only', 403, 'Profiles shipped with the installation cannot be changed; create your own from it.');
export const profileOwnerRequired = () =>
  new AppError('profile.owner_required', 403, 'Profiles belong to a buyer or council; you need the owner, editor or assessor role in one.', {
    errors: [{ path: 'organisationId', message: 'must be a buyer or council where you are owner, editor or assessor' }],
  });
export const organisationRequired = () =>
  new AppError('assessment.organisation_required', 400, 'You work in more than one organisation that could do this; say which one in organisationId.', { errors: [{ path: 'organisationId', message: 'is required' }] });
export const libraryItemUnavailable = (keys: string[]) =>
  new AppError('profile.library_item_unavailable', 422, `No published library version for: ${keys.join(', ')}.`, { errors: keys.map((key) => ({ path: 'items', message: `${key} has no such published version` })) });
export const duplicateItems = (keys: string[]) =>
  new AppError('profile.duplicate_items', 422, `A profile names each requirement once: ${keys.join(', ')} appear more than once.`, { errors: keys.map((key) => ({ path: 'items', message: `${key} appears more than once` })) });
export const buyerSideRequired = () => new AppError('assessment.buyer_required', 403, 'Comparisons and the review queue are for members of buyers and councils.');
export const productVersionNotFound = () => new AppError('assessment.product_version_not_found', 404, 'No such product version, or it is not yours to see.');
export const productNotFound = () => new AppError('assessment.product_not_found', 404, 'No such product, or it is not yours to see.');
export const answerNotFound = () => new AppError('answer.not_found', 404, 'No such answer, or it is not yours to see.');
export const answerNotCurrent = () => new AppError('answer.not_current', 409, 'This answer has been revised since; act on the current revision.');
export const answerVendorRequired = () => new AppError('answer.vendor_required', 403, 'Only owners and editors of the vendor that makes the product can answer for it.');
export const unknownRequirement = (key: string, major: number) =>
  new AppError('answer.unknown_requirement', 422, `The library has no released version ${major}.x of ${key}.`, { errors: [{ path: 'key', message: `${key} ${major}.x is not in the library` }] });
export const assessorRequired = () => new AppError('verification.assessor_required', 403, 'Answers are reviewed by owners, editors and assessors of a buyer or council that does not make the product.');
export const messageAuthorRequired = () => new AppError('message.author_required', 403, 'Replies come from the vendor\'s owners and editors, or from owners, editors and assessors of a buyer or council.');
export const evidenceNotFound = () => new AppError('evidence.not_found', 404, 'No such evidence file, or it is not yours to see.');
export const evidenceMissing = () => new AppError('evidence.file_missing', 400, 'Attach the evidence as the field "file".', { errors: [{ path: 'file', message: 'is required' }] });
export const evidenceTypeRefused = (allowed: string) =>
  new AppError('evidence.type_refused', 415, `Evidence must be one of ${allowed}, and the content must match the file name's type.`, { errors: [{ path: 'file', message: `must be one of ${allowed}` }] });
export const registerClosed = (path: string) => new AppError('request.not_found', 404, `Nothing is found at ${path}.`);
