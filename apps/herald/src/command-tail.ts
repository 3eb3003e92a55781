import { createHeraldClient, tokenSubject, type HeraldClientError } from '@herald/client';
import type { Notification } from '@herald/protocol';
import WebSocket from 'ws';
import { CliError, mintToken, resolveTarget } from './target.js';

/** The settings `herald tail` takes. */
export interface TailCommandOptions {
  url?: string;
  apiKey?: string;
  token?: string;
  dataDir: string;
  subscriber?: string;
  /** Print JSON lines instead of text. */
  json: boolean;
}

function line(notification: Notification): string {
  const time = new Date(notification.createdAt).toISOString().slice(11, 19);
  const body = notification.body === null ? '' : ` — ${notification.body}`;
  return `#${notification.seq} ${time} [${notification.priority}/${notification.category}] ${notification.title}${body}`;
}

/** `herald tail`: prints one subscriber's notifications as they arrive, resuming across drops. */
export async function commandTail(options: TailCommandOptions): Promise<void> {
  const url = (options.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  let getToken: () => Promise<string>;
  let subscriber: string;
  if (options.token !== undefined) {
    const token = options.token;
    // The server verifies the token; its claims only name what is being watched.
    subscriber = tokenSubject(token) ?? "the token's subscriber";
    getToken = () => Promise.resolve(token);
  } else {
    const target = resolveTarget({ ...options, url });
    subscriber = options.subscriber ?? target.credentials?.subscriber ?? '';
    if (subscriber === '') throw new CliError('no subscriber: pass --subscriber');
    getToken = () => mintToken(target, subscriber);
  }
  const client = createHeraldClient({ url, getToken, WebSocket });
  // A live item's count comes as `unread-count` right after it, from the same frame: the line
  // waits for that (or the next item, when several frames arrive in one read) to carry it.
  let pending: string | undefined;
  const flush = (): void => {
    if (pending !== undefined) console.log(pending);
    pending = undefined;
  };
  const printLater = (text: string): void => {
    flush();
    pending = text;
    queueMicrotask(flush);
  };
  client.on('unread-count', (count) => {
    if (pending !== undefined) pending += ` · unread ${count}`;
  });
  client.on('notification', (n) => (options.json ? console.log(JSON.stringify(n)) : printLater(line(n))));
  client.on('replace', ({ notification, replaces }) =>
    options.json
      ? console.log(JSON.stringify({ replaces, notification }))
      : printLater(`${line(notification)} (replaces ${replaces.length})`),
  );
  client.on('state', (state) => {
    flush();
    console.log(
      options.json
        ? JSON.stringify({ state })
        : `· ${state.action} ${state.all === true ? 'all' : (state.ids ?? []).length} (unread ${state.unreadCount})`,
    );
  });
  client.on('reconnecting', ({ delayMs }) => console.error(`· connection lost; retrying in ${delayMs} ms`));
  let failed: HeraldClientError | undefined;
  const stopped = new Promise<void>((resolveStop) => {
    client.on('error', (error) => {
      failed = error;
      if (client.status === 'stopped') resolveStop();
    });
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  await client.connect().then(
    () => console.error(`· watching ${subscriber} on ${url} (Ctrl-C to stop)`),
    () => undefined,
  );
  await stopped;
  await client.close();
  if (failed !== undefined && client.status !== 'closed')
    throw new CliError(`${failed.code}: ${failed.message}`);
}
