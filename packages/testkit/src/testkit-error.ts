const marker = Symbol.for('@herald/testkit/error');

/** Every way a testkit helper refuses to do what it was asked. */
export type TestkitErrorCode = 'INVALID_ARGUMENT' | 'NOT_STARTED' | 'CLOSED';

/**
 * The one error type `@herald/testkit` throws.
 *
 * @example
 * try { broker.port } catch (error) { if (TestkitError.isInstance(error)) console.log(error.code) } // NOT_STARTED
 */
export class TestkitError extends Error {
  readonly [marker] = true;
  override readonly name = 'TestkitError';
  readonly code: TestkitErrorCode;

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `TestkitError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is TestkitError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
