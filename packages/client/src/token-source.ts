import { HeraldClientError } from './herald-client-error.js';

/** Where a client's subscriber token comes from: a fixed one, or a function asked again when it is refused. */
export class TokenSource {
  readonly #token: string | undefined;
  readonly #getToken: (() => string | Promise<string>) | undefined;
  #current: Promise<string> | undefined;

  constructor(token: string | undefined, getToken: (() => string | Promise<string>) | undefined) {
    if ((token === undefined) === (getToken === undefined)) {
      throw new HeraldClientError('invalid_argument', 'give either token or getToken', { field: 'token' });
    }
    if (token === '') {
      throw new HeraldClientError('invalid_argument', 'token must not be empty', { field: 'token' });
    }
    this.#token = token;
    this.#getToken = getToken;
  }

  /** Whether `refresh` can give another token than the one that was refused. */
  get renewable(): boolean {
    return this.#getToken !== undefined;
  }

  /** The token in use, fetched once if none was yet. */
  current(): Promise<string> {
    return this.#current ?? this.refresh();
  }

  /** A new token from `getToken` (concurrent callers share one call); the fixed token otherwise. */
  refresh(): Promise<string> {
    if (this.#token !== undefined) return Promise.resolve(this.#token);
    const getToken = this.#getToken!;
    const pending = (async () => {
      let token: unknown;
      try {
        token = await getToken();
      } catch (error) {
        throw new HeraldClientError('unauthorized', 'getToken failed', { cause: error });
      }
      if (typeof token !== 'string' || token === '') {
        throw new HeraldClientError('unauthorized', 'getToken gave no token');
      }
      return token;
    })();
    this.#current = pending;
    // A failed fetch is not kept: the next call asks again.
    pending.catch(() => {
      if (this.#current === pending) this.#current = undefined;
    });
    return pending;
  }
}
