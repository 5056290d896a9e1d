/**
 * Binance WebSocket API framing (protocols.md §1 "WebSocket API: order placement and user data"):
 * requests `{"id","method","params"}`, replies `{"id","status","result"|"error"}`, and the frames
 * that answer no request — user data events `{"subscriptionId":N,"event":{...}}`, the
 * `{"event":{"e":"serverShutdown"}}` notice, and `{"id":null,"status":401,...}` when the session's
 * key stops being valid. Pure functions.
 */
import type { RpcCodec } from '../../transport/ws-rpc';
import { wsApiError } from './errors';

export const wsApiCodec: RpcCodec = {
  encode: (id, method, params) => JSON.stringify(params === undefined ? { id, method } : { id, method, params }),
  replyId: (msg) => {
    const id = (msg as { id?: unknown } | null)?.id;
    return typeof id === 'number' ? id : undefined;
  },
};

export interface WsApiReply {
  id: number;
  status: number;
  result?: unknown;
  error?: { code?: unknown; msg?: unknown; data?: unknown };
}

/** The result of a reply, or the mapped error (InvalidOrder, AuthenticationError, RateLimitExceeded, ...). */
export function replyResult<T>(reply: unknown, what: string): T {
  const r = reply as WsApiReply;
  if (r && r.status === 200 && r.error === undefined) return r.result as T;
  throw wsApiError(r ?? {}, what);
}

export type UserFrame =
  | { kind: 'user'; subscriptionId: number | undefined; event: { e: string; [k: string]: unknown } }
  | { kind: 'shutdown' }
  | { kind: 'sessionError'; reply: WsApiReply }
  | { kind: 'other' };

/** Classifies a frame that answered no request. */
export function classifyFrame(msg: unknown): UserFrame {
  const m = msg as { subscriptionId?: unknown; event?: { e?: unknown }; id?: unknown; status?: unknown } | null;
  if (!m || typeof m !== 'object') return { kind: 'other' };
  const ev = m.event;
  if (ev && typeof ev === 'object' && typeof ev.e === 'string') {
    if (ev.e === 'serverShutdown') return { kind: 'shutdown' };
    return {
      kind: 'user',
      subscriptionId: typeof m.subscriptionId === 'number' ? m.subscriptionId : undefined,
      event: ev as { e: string },
    };
  }
  if (m.id === null && typeof m.status === 'number' && m.status >= 400) return { kind: 'sessionError', reply: m as WsApiReply };
  return { kind: 'other' };
}
