import {
  apiErrorBodySchema,
  apiErrorStatus,
  inboxPageSchema,
  markResultSchema,
  preferencesSchema,
  unreadCountSchema,
  type ApiErrorCode,
  type InboxPage,
  type MarkAction,
  type Preferences,
  type PreferencesUpdateInput,
} from '@herald/protocol';
import { HeraldClientError } from './herald-client-error.js';
import type { TokenSource } from './token-source.js';

/** Filters and paging of {@link InboxApi.list}; the server's defaults apply to what is left out. */
export interface InboxListQuery {
  /** Items per page, 1–200. @defaultValue 50 */
  limit?: number;
  /** The `nextCursor` of the previous page. @defaultValue the newest items */
  cursor?: number;
  /** Only unread items. */
  unread?: boolean;
  /** Only unseen items. */
  unseen?: boolean;
  /** Only this category. */
  category?: string;
  /** Archived items: left out, the only ones, or included. @defaultValue `'exclude'` */
  archived?: 'exclude' | 'only' | 'include';
}

/** Which items a mark applies to: listed ids, or every item (up to a seq: what the person saw). */
export type MarkTarget = readonly string[] | { all: true; upTo?: number };

/** What a mark did. */
export interface MarkResult {
  /** How many items changed. */
  updated: number;
  /** The unread count after. */
  unreadCount: number;
}

/** Options of each inbox call. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The inbox HTTP API. */
export interface InboxApi {
  list(query?: InboxListQuery, options?: RequestOptions): Promise<InboxPage>;
  unreadCount(options?: RequestOptions): Promise<number>;
  mark(action: MarkAction, target: MarkTarget, options?: RequestOptions): Promise<MarkResult>;
  preferences(options?: RequestOptions): Promise<Preferences>;
  setPreferences(update: PreferencesUpdateInput, options?: RequestOptions): Promise<Preferences>;
}

interface InboxApiOptions {
  baseUrl: string;
  fetch: typeof globalThis.fetch | undefined;
  tokens: TokenSource;
}

/** What `request` needs of a protocol schema (zod's `safeParse`). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

const codeByStatus = new Map<number, ApiErrorCode>();
for (const [code, status] of Object.entries(apiErrorStatus)) {
  if (!codeByStatus.has(status)) codeByStatus.set(status, code as ApiErrorCode);
}

function errorOf(status: number, body: unknown): HeraldClientError {
  const parsed = apiErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, field } = parsed.data.error;
    return new HeraldClientError(
      HeraldClientError.apiCode(code),
      message,
      field === undefined ? { status } : { status, field },
    );
  }
  const code = codeByStatus.get(status) ?? (status >= 500 ? 'internal' : 'invalid_request');
  return new HeraldClientError(code, `HTTP ${status}`, { status });
}

function queryString(query: InboxListQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | number | boolean | undefined][]) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The inbox calls of a client: bearer token, one retry with a fresh token on 401, typed errors. */
export function createInboxApi({ baseUrl, fetch: fetchOption, tokens }: InboxApiOptions): InboxApi {
  async function request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: Schema<T>,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const fetch = fetchOption ?? globalThis.fetch;
    if (typeof fetch !== 'function') {
      throw new HeraldClientError('invalid_argument', 'no fetch: pass one in the fetch option', {
        field: 'fetch',
      });
    }
    const url = `${baseUrl}${path}`;
    const send = async (token: string): Promise<Response> => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      };
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      if (signal !== undefined) init.signal = signal;
      try {
        return await fetch(url, init);
      } catch (error) {
        if (signal?.aborted === true) throw signal.reason;
        throw new HeraldClientError('network', `${method} ${path} failed: ${String(error)}`, {
          cause: error,
        });
      }
    };
    let response = await send(await tokens.current());
    if (response.status === 401 && tokens.renewable) {
      await response.body?.cancel();
      response = await send(await tokens.refresh());
    }
    let json: unknown;
    try {
      const text = await response.text();
      json = text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (!response.ok) throw errorOf(response.status, undefined);
      throw new HeraldClientError('invalid_response', `${method} ${path}: the answer is not JSON`, {
        status: response.status,
        cause: error,
      });
    }
    if (!response.ok) throw errorOf(response.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new HeraldClientError('invalid_response', `${method} ${path}: unexpected answer`, {
        status: response.status,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  return {
    list(query = {}, options = {}) {
      return request('GET', `/v1/inbox${queryString(query)}`, inboxPageSchema, undefined, options.signal);
    },
    async unreadCount(options = {}) {
      const { count } = await request(
        'GET',
        '/v1/inbox/unread-count',
        unreadCountSchema,
        undefined,
        options.signal,
      );
      return count;
    },
    mark(action, target, options = {}) {
      const body = Array.isArray(target)
        ? { action, ids: [...(target as readonly string[])] }
        : { action, ...(target as { all: true; upTo?: number }) };
      return request('POST', '/v1/inbox/mark', markResultSchema, body, options.signal);
    },
    preferences(options = {}) {
      return request('GET', '/v1/preferences', preferencesSchema, undefined, options.signal);
    },
    setPreferences(update, options = {}) {
      return request('PUT', '/v1/preferences', preferencesSchema, update, options.signal);
    },
  };
}
