// One error type for every AWS-style API; each protocol encodes it in its own envelope.

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }

  get isServerFault(): boolean {
    return this.status >= 500;
  }
}

export const badRequest = (message: string) => new ApiError('BadRequestException', message, 400);
export const notFound = (message: string) => new ApiError('NotFoundException', message, 404);
export const conflict = (message: string) => new ApiError('ConflictException', message, 409);
export const resourceInUse = (message: string) => new ApiError('ResourceInUseException', message, 409);
export const limitExceeded = (message: string) => new ApiError('LimitExceededException', message, 400);
export const tooManyTags = (message: string) => new ApiError('TooManyTagsException', message, 400);
export const serviceUnavailable = (message: string) => new ApiError('ServiceUnavailableException', message, 503);
/** An entry of a service's generated error catalog (`<service>Errors` in src/protocols/generated/). */
export interface ModeledError {
  code: string;
  status: number;
}

export const modeledError = (error: ModeledError, message: string) => new ApiError(error.code, message, error.status);
