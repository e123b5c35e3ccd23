import { isCodedError } from '@annex/protocol';
import { z } from 'zod';

/**
 * The messages of Directus's WebSocket API (directus.io/docs/guides/realtime): JSON objects
 * with a `type` and an optional `uid` the answer repeats, so a client can match answers to
 * requests.
 */
export type Uid = string | number;
export type Message = { type: string; uid?: Uid } & Record<string, unknown>;

const uid = z.union([z.string().max(200), z.number()]).optional();
const key = z.union([z.string().min(1).max(500), z.number()]);
const query = z.record(z.string(), z.unknown()).optional();

export const AuthMessage = z.union([
  z.object({ type: z.literal('auth'), uid, email: z.string(), password: z.string() }),
  z.object({ type: z.literal('auth'), uid, refresh_token: z.string() }),
  z.object({ type: z.literal('auth'), uid, access_token: z.string() }),
]);
export type AuthMessage = z.infer<typeof AuthMessage>;

export const SubscribeMessage = z.object({
  type: z.literal('subscribe'),
  uid,
  collection: z.string().min(1).max(64),
  event: z.enum(['create', 'update', 'delete']).optional(),
  item: key.optional(),
  query,
});
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

const item = z.record(z.string(), z.unknown());
const items = { type: z.literal('items'), uid, collection: z.string().min(1).max(64), query };
export const ItemsMessage = z.discriminatedUnion('action', [
  z.object({ ...items, action: z.literal('create'), data: z.union([item, z.array(item)]) }),
  z.object({ ...items, action: z.literal('read'), id: key.optional(), ids: z.array(key).optional() }),
  z.object({ ...items, action: z.literal('update'), data: item, id: key.optional(), ids: z.array(key).optional() }),
  z.object({ ...items, action: z.literal('delete'), id: key.optional(), ids: z.array(key).optional() }),
]);
export type ItemsMessage = z.infer<typeof ItemsMessage>;

/** Directus's message text: `{ type, ...data }`, and `uid` when the request had one. */
export function formatMessage(type: string, data: Record<string, unknown> = {}, id?: Uid): string {
  return JSON.stringify(id === undefined ? { type, ...data } : { type, ...data, uid: id });
}

/** A refusal as Directus sends it: `{ type, status: 'error', error: { code, message }, uid }`. */
export function refusal(type: string, code: string, message: string, id?: Uid): string {
  return formatMessage(type, { status: 'error', error: { code, message } }, id);
}

/** A refusal thrown by a handler, sent to the client as `refusal` writes it. */
export class RealtimeError extends Error {
  constructor(
    readonly type: string,
    readonly code: string,
    message: string,
    readonly uid?: Uid,
  ) {
    super(message);
  }
}

/** The error message for `error` answering a `type` request, or undefined for a failure that is not the client's (log it). */
export function errorMessage(type: string, error: unknown, id?: Uid): string | undefined {
  let code: string;
  let message: string;
  if (error instanceof RealtimeError) {
    ({ code, message } = error);
    type = error.type;
    id = error.uid ?? id;
  } else if (error instanceof z.ZodError) {
    code = 'INVALID_PAYLOAD';
    message = `Invalid payload. ${z.prettifyError(error).replace(/\s*\n\s*/g, ' ')}`;
  } else if (isCodedError(error) && (error as { expose?: boolean }).expose !== false) {
    ({ code, message } = error);
  } else return undefined;
  return refusal(type, code, message, id);
}

/** A message's type as the handlers compare it (Directus's getMessageType, case-insensitive). */
export function messageType(message: unknown): string {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return '';
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? type.toLowerCase() : '';
}

/** Parses a frame: a JSON object with a string `type` (and a string or number `uid`, if any). */
export function parseMessage(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const type = messageType(value);
  const id = (value as { uid?: unknown } | undefined)?.uid;
  if (!type || (id !== undefined && typeof id !== 'string' && typeof id !== 'number'))
    throw new RealtimeError('server', 'INVALID_PAYLOAD', 'Unable to parse the incoming message.');
  return { ...(value as Message), type };
}
