import { apiError, type ApiErrorBody, type ApiErrorCode } from '@herald/protocol';

/** An error to answer with: HTTP status, JSON body and extra headers. */
export class ErrorResponse extends Error {
  override readonly name = 'ErrorResponse';
  readonly status: number;
  readonly body: ApiErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: ApiErrorBody, headers: Record<string, string> = {}) {
    super(body.error.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  /**
   * An error response from a code, message and optional field.
   *
   * @example
   * throw ErrorResponse.of(404, 'not_found', 'no customer c-1');
   */
  static of(
    status: number,
    code: ApiErrorCode,
    message: string,
    field?: string,
    headers?: Record<string, string>,
  ): ErrorResponse {
    return new ErrorResponse(status, apiError(code, message, field), headers);
  }
}
