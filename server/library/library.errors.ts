import { AppError, type FieldError } from '../shared/errors';

export const itemNotFound = (key: string) => new AppError('library.item_not_found', 404, `No library item ${key}.`);
export const versionNotFound = (key: string, version: string) => new AppError('library.version_not_found', 404, `Item ${key} has no version ${version}.`);
export const packNotFound = (key: string) => new AppError('library.pack_not_found', 404, `No sector pack ${key}.`);
export const draftNotFound = () => new AppError('library.draft_not_found', 404, 'No such draft, or it belongs to another organisation.');
export const keyExists = (key: string) =>
  new AppError('library.key_exists', 409, `The key ${key} is already used; create a new draft version of it instead.`, { errors: [{ path: 'key', message: 'is already used' }] });
export const draftExists = (key: string, draftId: string) =>
  new AppError('library.draft_exists', 409, `Your organisation already has a draft of ${key}.`, { extensions: { draftId } });
export const draftConflict = (currentRevision: number) =>
  new AppError('library.draft_conflict', 409, 'Someone else saved this draft after you opened it. Reload it, apply your changes again and save.', { extensions: { currentRevision } });
export const baseOutdated = (baseVersion: string | null, latest: string) =>
  new AppError('library.base_outdated', 409, `The draft is based on ${baseVersion ?? 'nothing'}, but ${latest} has been published since. Start a new draft from ${latest}.`, { extensions: { latestVersion: latest } });
export const invalidContent = (errors: FieldError[]) =>
  new AppError('library.invalid_content', 400, `The item cannot be saved: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
export const invalidParameterValues = (errors: FieldError[]) =>
  new AppError('library.invalid_parameter_values', 400, `Some parameter values are invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
export const editorRequired = () =>
  new AppError('library.editor_required', 403, 'Only editors and owners in a buyer organisation or architecture council can change the library.');
export const organisationRequired = () =>
  new AppError('library.organisation_required', 400, 'You edit the library for more than one organisation; say which one in organisationId.', { errors: [{ path: 'organisationId', message: 'is required' }] });
export const notDeprecatable = (key: string) => new AppError('library.not_deprecatable', 409, `${key} has no published version to deprecate.`);
export const unknownReplacement = (key: string) =>
  new AppError('library.unknown_replacement', 422, `The replacement ${key} is not a published library item.`, { errors: [{ path: 'replacedBy', message: 'must be a published item' }] });
