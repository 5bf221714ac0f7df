export type FieldError = { path: string; message: string };

/**
 * The one error type of the application. `code` is stable (`auth.invalid_credentials`) and is
 * what clients and tests branch on; `status` is the HTTP status; `internal` marks errors that
 * are the application's fault and are logged with their stack.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: FieldError[];
  readonly internal: boolean;
  readonly extensions: Record<string, unknown>;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { errors?: FieldError[]; internal?: boolean; cause?: unknown; extensions?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.errors = options.errors ?? [];
    this.internal = options.internal ?? false;
    this.extensions = options.extensions ?? {};
  }
}

export const badRequest = (code: string, message: string, errors: FieldError[] = []) => new AppError(code, 400, message, { errors });
export const unauthenticated = (message = 'You must log in to do this.') => new AppError('auth.unauthenticated', 401, message);
export const forbidden = (code: string, message: string) => new AppError(code, 403, message);
export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const conflict = (code: string, message: string, extensions: Record<string, unknown> = {}) => new AppError(code, 409, message, { extensions });
export const unprocessable = (code: string, message: string, errors: FieldError[] = []) => new AppError(code, 422, message, { errors });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
