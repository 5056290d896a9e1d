/**
 * OKX's private wire: the frames of the private and business sockets (requests, which reply
 * answers which, the text keepalive) and the reply envelope shared by REST and WebSocket trade
 * requests (code / per-order sCode).
 */
import { BadResponse } from '../../core/errors';
import type { RpcCodec } from '../../transport/ws-rpc';
import { okxError } from './errors';
import type { RestEnvelope } from './parse';

type Json = Record<string, unknown>;

/**
 * Frames of the private socket: `{"id","op","args"}` requests whose replies echo the id; the login
 * request has no id (OKX's login takes none) and its answer, `{"event":"login"}` or an id-less
 * `{"event":"error"}`, answers the login in flight. The bare text `pong` answers our `ping`.
 */
export class OkxRpcCodec implements RpcCodec {
  private loginId: number | undefined;

  encode(id: number, method: string, params: Record<string, unknown> | undefined): string {
    const args = (params?.['args'] as unknown[]) ?? [];
    if (method === 'login') {
      this.loginId = id;
      return JSON.stringify({ op: 'login', args });
    }
    return JSON.stringify({ id: String(id), op: method, args });
  }

  replyId(msg: unknown): number | undefined {
    if (!msg || typeof msg !== 'object') return undefined;
    const m = msg as Json;
    if (typeof m['id'] === 'string' && /^\d+$/.test(m['id'])) return Number(m['id']);
    if ((m['event'] === 'login' || m['event'] === 'error') && this.loginId !== undefined) {
      const id = this.loginId;
      this.loginId = undefined;
      return id;
    }
    return undefined;
  }

  isKeepalive(text: string): boolean {
    return text === 'pong';
  }
}

/**
 * An OKX envelope's data: `code` "0" is success; "1" / "2" (all / some of a batch failed) carry the
 * per-order `sCode` / `sMsg`; any other code is the request's own error (60013 invalid args ...).
 */
export function unwrap<T>(env: RestEnvelope<T> | undefined, what: string, perEntry = false): T[] {
  if (!env || typeof env !== 'object') throw new BadResponse(`${what}: reply is not an OKX envelope`, { exchange: 'okx', raw: env });
  const code = String(env.code);
  const data = Array.isArray(env.data) ? env.data : [];
  // a batch: "1" (all failed) and "2" (some failed) still carry one entry per order, each with its sCode
  if (perEntry && (code === '0' || ((code === '1' || code === '2') && data.length > 0))) return data;
  const failed = (data as unknown as Json[]).find((d) => d && d['sCode'] !== undefined && String(d['sCode']) !== '0');
  if (failed) throw okxError(String(failed['sCode']), String(failed['sMsg'] ?? ''), what, { raw: env });
  if (code !== '0') throw okxError(code, env.msg ?? '', what, { raw: env });
  return data;
}
