import { AppError, type FieldError } from '../shared/errors';

export const kravbankFileMissing = () => new AppError('kravbank.file_missing', 400, 'Attach the Kravbank file (JSON) in the field "file".', { errors: [{ path: 'file', message: 'is required' }] });
export const kravbankNotJson = (detail: string) =>
  new AppError('kravbank.not_json', 400, `The file is not JSON: ${detail}. Export the bank or specification from Kravbank as a JSON file.`, { errors: [{ path: 'file', message: 'is not JSON' }] });
export const kravbankInvalid = (errors: FieldError[]) =>
  new AppError('kravbank.invalid_file', 400, `The file is not a Kravbank bank or specification: ${errors.slice(0, 3).map((e) => `${e.path || 'the file'} ${e.message}`).join('; ')}.`, { errors });
export const kravbankEmpty = () => new AppError('kravbank.nothing_to_import', 422, 'The file holds no requirement with a text to import.', { errors: [{ path: 'file', message: 'has no requirements' }] });
export const kravbankSourceMissing = () =>
  new AppError('kravbank.source_missing', 409, 'The source "dfo-kravbank" is not registered in this installation\'s library; sync the library (requirements/sources.yaml) first.');
export const kravbankKeysExhausted = (prefix: string) => new AppError('kravbank.keys_exhausted', 422, `There are not enough free keys ${prefix}-001 to ${prefix}-999 for this import; choose another prefix.`, { errors: [{ path: 'keyPrefix', message: 'has too few free keys' }] });
export const kravbankItemsInvalid = (errors: FieldError[]) =>
  new AppError('kravbank.items_invalid', 422, `Some requirements of the file cannot become library items: ${errors.slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ')}.`, { errors });
