import { AppError, badRequest, type FieldError } from '../shared/errors';

export const tenderNotFound = () => new AppError('tender.not_found', 404, 'No such tender, or it is not shared with your organisation.');
export const tenderEditorRequired = () => new AppError('tender.editor_required', 403, 'Only editors and owners of the buyer organisation, or of a co-buyer allowed to edit, can change this tender.');
export const buyerRequired = () =>
  new AppError('tender.buyer_required', 403, 'Tenders belong to a buyer organisation; you need the editor or owner role in one.', { errors: [{ path: 'organisationId', message: 'must be a buyer organisation where you are editor or owner' }] });
export const organisationRequired = () =>
  new AppError('tender.organisation_required', 400, 'You are editor in more than one buyer organisation; say which one in organisationId.', { errors: [{ path: 'organisationId', message: 'is required' }] });
export const tenderClosed = () => new AppError('tender.closed', 409, 'The tender is closed and can no longer change.');
export const duplicateReference = () =>
  new AppError('tender.duplicate_reference', 409, 'Your organisation already has a tender with this reference number.', { errors: [{ path: 'reference', message: 'is already used' }] });
export const itemNotFound = () => new AppError('tender.item_not_found', 404, 'No such item in this tender.');
export const sectionNotFound = () => new AppError('tender.section_not_found', 404, 'No such section in this tender.');
export const sectionNotEmpty = () => new AppError('tender.section_not_empty', 409, 'Move or remove the items of the section first.');
export const libraryItemUnavailable = (key: string) => new AppError('tender.library_item_unavailable', 422, `${key} has no published version that can be added.`, { errors: [{ path: 'key', message: `${key} is not a published library item` }] });
export const invalidParameterValues = (errors: FieldError[]) =>
  new AppError('tender.invalid_parameter_values', 400, `Some parameter values are invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
export const checksFailed = (errors: FieldError[]) =>
  new AppError('tender.checks_failed', 422, `The tender cannot be issued yet: ${errors.map((e) => e.message).join('; ')}`, { errors });
export const revisionNotFound = (revision: number) => new AppError('tender.revision_not_found', 404, `The tender has no issued revision ${revision}.`);
export const nothingToIssue = () => new AppError('tender.nothing_to_issue', 409, 'Nothing has changed since the last issued revision.');
export const selectionNotFound = () => new AppError('tender.selection_not_found', 404, 'No such saved selection.');
export const coBuyerInvalid = () =>
  new AppError('tender.co_buyer_invalid', 422, 'A co-buyer must be another buyer organisation.', { errors: [{ path: 'organisationId', message: 'must be another buyer organisation' }] });
export const responseFileMissing = () => badRequest('tender.response_file_missing', 'Attach the filled response sheet as the field "file".', [{ path: 'file', message: 'is required' }]);
export const responseSheetNotXlsx = () =>
  new AppError('tender.response_sheet_invalid', 415, 'The response sheet must be the .xlsx file generated for this tender.', { errors: [{ path: 'file', message: 'must be an .xlsx file' }] });
export const tenderNotIssued = () => new AppError('tender.not_issued', 409, 'Responses can be imported once the tender has been issued.');
export const nothingToAdd = () => badRequest('validation.failed', 'Give exactly one of keys, pick, clausesOf, selectionId or custom.', [{ path: '(body)', message: 'give exactly one of keys, pick, clausesOf, selectionId or custom' }]);
