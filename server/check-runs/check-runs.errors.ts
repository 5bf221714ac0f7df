import { AppError } from '../shared/errors';

export const checkRunNotFound = () => new AppError('check_run.not_found', 404, 'No such check run, or it is not yours to see.');
export const checkRunRerunRefused = () => new AppError('check_run.rerun_refused', 403, 'Check runs are run again by owners, editors and assessors of a buyer or council, or by the organisation that asked for them.');
export const checkRunNotFinished = () => new AppError('check_run.not_finished', 409, 'The check is still running; run it again once it has finished.');
export const checkFilesMissing = () => new AppError('check_run.files_missing', 400, 'Attach at least one file as the field "files".', { errors: [{ path: 'files', message: 'is required' }] });
export const noChecksDeclared = () =>
  new AppError('check_run.no_checks', 422, 'None of these requirements declares machine checks, so there is nothing to run.', { errors: [{ path: 'files', message: 'no requirement here declares machine checks' }] });
export const noCheckableFiles = () =>
  new AppError('check_run.no_checkable_files', 422, 'None of the files is of a kind the checks read (JSON, YAML, CSV, XML, XSD or ZIP).', { errors: [{ path: 'files', message: 'must include a JSON, YAML, CSV, XML, XSD or ZIP file' }] });
export const bidderRequired = () => new AppError('check_run.bidder_required', 400, 'Name the bidder whose files these are.', { errors: [{ path: 'bidder', message: 'is required' }] });
export const tenderCheckerRequired = () => new AppError('check_run.tender_editor_required', 403, 'Bidders\' files are checked by those who may edit the tender.');
