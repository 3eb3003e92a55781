import * as z from 'zod';
import { apiErrorCodes, apiErrorFromZod, type ApiErrorDetail } from './api-error.js';
import { exactlyOneTarget, markActions, markTargetFields } from './inbox.js';
import { subjectIdSchema } from './identifiers.js';
import { notificationSchema } from './notification.js';

const seqSchema = z.int().min(0);

/** Client → server: the first frame on a connection. `token` may instead be in the URL. */
export const helloFrameSchema = z.strictObject({
  type: z.literal('hello'),
  token: z.string().min(1).max(4096).optional(),
  lastSeq: seqSchema
    .optional()
    .meta({ description: 'The last seq the client saw; what came after is resent.' }),
});

/** Client → server: everything up to `seq` reached the client (drives delivery status and flow control). */
export const ackFrameSchema = z.strictObject({ type: z.literal('ack'), seq: seqSchema });

/** Client → server: mark items (or all) seen, read, unread, archived or unarchived. */
export const markFrameSchema = z
  .strictObject({ type: z.literal('mark'), action: z.enum(markActions), ...markTargetFields })
  .superRefine(exactlyOneTarget);

/** Client → server: a keep-alive; answered with `pong` carrying the same `id`. */
export const pingFrameSchema = z.strictObject({ type: z.literal('ping'), id: z.string().max(64).optional() });

/** Every frame a client sends, a union on `type`. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  helloFrameSchema,
  ackFrameSchema,
  markFrameSchema,
  pingFrameSchema,
]);

/** A frame a client sends. */
export type ClientFrame = z.output<typeof clientFrameSchema>;

/** Server → client: the connection is authenticated; missed items (after `resumeFrom`) follow. */
export const welcomeFrameSchema = z.object({
  type: z.literal('welcome'),
  subscriber: subjectIdSchema,
  resumeFrom: seqSchema.meta({ description: 'Items with a larger seq follow, then `resume-complete`.' }),
  lastSeq: seqSchema.meta({ description: 'The newest seq in the inbox now.' }),
  unreadCount: z.int().min(0),
  heartbeatMs: z.int().min(1).meta({ description: 'Ping at least this often.' }),
});

/** On live notification frames: the count a badge shows once the item has arrived. */
const arrivedUnreadCount = z.int().min(0).optional().meta({
  description:
    'The unread count just after this item arrived. On live items only: resent ones leave it out (`welcome` carries the count).',
});

/** Server → client: a new inbox item (missed or live). */
export const notificationFrameSchema = z.object({
  type: z.literal('notification'),
  notification: notificationSchema,
  unreadCount: arrivedUnreadCount,
});

/** Server → client: a new item that replaces older ones through its collapse key; drop `replaces`. */
export const replaceFrameSchema = z.object({
  type: z.literal('replace'),
  notification: notificationSchema,
  replaces: z.array(z.string()).min(1),
  unreadCount: arrivedUnreadCount,
});

/** Server → client: items changed state on another connection (or through the API). */
export const stateFrameSchema = z.object({
  type: z.literal('state'),
  action: z.enum(markActions),
  ids: z.array(z.string()).optional(),
  all: z.literal(true).optional(),
  upTo: seqSchema.optional(),
  at: z.int().min(0),
  unreadCount: z.int().min(0),
});

/** Server → client: every missed item has been sent; live traffic follows. */
export const resumeCompleteFrameSchema = z.object({
  type: z.literal('resume-complete'),
  count: z.int().min(0),
  lastSeq: seqSchema,
});

/** Server → client: the answer to `ping`. */
export const pongFrameSchema = z.object({ type: z.literal('pong'), id: z.string().optional() });

/** Server → client: a frame was refused (the connection stays open unless a close follows). */
export const errorFrameSchema = z.object({
  type: z.literal('error'),
  code: z.enum(apiErrorCodes),
  message: z.string(),
  field: z.string().optional(),
});

/**
 * Every frame the server sends, a union on `type`. Clients parse with it leniently: unknown
 * members are dropped, so newer servers can add some.
 */
export const serverFrameSchema = z.discriminatedUnion('type', [
  welcomeFrameSchema,
  notificationFrameSchema,
  replaceFrameSchema,
  stateFrameSchema,
  resumeCompleteFrameSchema,
  pongFrameSchema,
  errorFrameSchema,
]);

/** A frame the server sends. */
export type ServerFrame = z.output<typeof serverFrameSchema>;

/** A decoded frame, or the error to answer it with. */
export type DecodedFrame<T> = { success: true; frame: T } | { success: false; error: ApiErrorDetail };

function decodeWith<T>(schema: z.ZodType<T>, text: string): DecodedFrame<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { success: false, error: { code: 'invalid_request', message: 'frame is not JSON' } };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { success: true, frame: result.data };
  return { success: false, error: apiErrorFromZod(result.error).error };
}

/**
 * A client frame from its text, or the error to send back. Never throws.
 *
 * @example
 * const decoded = decodeClientFrame(message.toString());
 * if (!decoded.success) socket.send(encodeFrame({ type: 'error', ...decoded.error }));
 */
export function decodeClientFrame(text: string): DecodedFrame<ClientFrame> {
  return decodeWith(clientFrameSchema, text);
}

/**
 * A server frame from its text (for clients), or what was wrong with it. Never throws.
 *
 * @example
 * const decoded = decodeServerFrame(event.data);
 * if (decoded.success && decoded.frame.type === 'notification') show(decoded.frame.notification);
 */
export function decodeServerFrame(text: string): DecodedFrame<ServerFrame> {
  return decodeWith(serverFrameSchema, text);
}

/**
 * The text of a frame: JSON for WebSocket, the `data:` line for SSE.
 *
 * @example
 * socket.send(encodeFrame({ type: 'pong' }));
 */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}

/**
 * A server frame as a Server-Sent Events message: `event:` is the frame type, `id:` the seq for
 * notifications (so `Last-Event-ID` resumes), `data:` the JSON.
 *
 * @example
 * stream.write(encodeSseFrame({ type: 'notification', notification }));
 * // 'event: notification\nid: 42\ndata: {"type":"notification",…}\n\n'
 */
export function encodeSseFrame(frame: ServerFrame): string {
  const id =
    frame.type === 'notification' || frame.type === 'replace' ? `id: ${frame.notification.seq}\n` : '';
  return `event: ${frame.type}\n${id}data: ${JSON.stringify(frame)}\n\n`;
}
