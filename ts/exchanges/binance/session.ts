/**
 * One Binance account's authenticated transport: the WebSocket API connection (/ws-api/v3, WsRpc)
 * opened ahead of the first order (warm) and kept alive (pings, stale check, reconnect), signed
 * requests over it and over REST, and the server's clock.
 *
 * - HMAC keys sign every request; Ed25519 keys log the connection on once (session.logon) and then
 *   send unsigned requests (protocols.md §1 "Session auth");
 * - timestamps come from the server's clock (ServerClock), measured before the first signed
 *   request and again on -1021, the request then retried once;
 * - route(): over the WebSocket API unless it cannot take the request now (unreachable, refused
 *   session, reconnecting), then over REST: RpcNotSent guarantees nothing was sent.
 */
import { BadResponse, RequestTimeout } from '../../core/errors';
import { ServerClock } from '../../transport/server-clock';
import type { StatusEvent, Urls } from '../../core/types';
import type { HttpMethod, Query, RestClient } from '../../transport/rest-client';
import type { WsConnectionOptions } from '../../transport/ws-connection';
import { RpcReplyLost, WsRpc } from '../../transport/ws-rpc';
import { wsOrRest } from '../order-flow';
import { onServerClock, privateSocket, reports } from '../private-socket';
import { BinanceCredentials, signRestQuery, signWsParams } from './auth';
import { PATHS } from './urls';
import { replyResult, wsApiCodec } from './user-data';

export interface BinanceSessionContext {
  credentials: BinanceCredentials;
  rest: RestClient;
  urls: Urls;
  timeoutMs: number;
  /** Orders over the WebSocket API (default); false: REST only. */
  wsTrading: boolean;
  recvWindow: number | undefined;
  connection: Omit<WsConnectionOptions, 'url'>;
  status(s: StatusEvent): void;
  error(err: Error): void;
}

export class BinanceSession {
  readonly clock: ServerClock;
  /** Called when an Ed25519 logon is refused (not when its connection merely dropped). */
  onLogonRefused: ((err: Error) => void) | undefined;
  private readonly ctx: BinanceSessionContext;
  private rpc: WsRpc | undefined;
  /** The current connection is logged on (Ed25519 session). */
  private loggedOn = false;

  constructor(ctx: BinanceSessionContext) {
    this.ctx = ctx;
    this.clock = new ServerClock(async () => {
      const r = await ctx.rest.request<{ serverTime: number }>('GET', PATHS.time, { weight: 1 });
      if (!r || typeof r.serverTime !== 'number') throw new BadResponse('time reply has no serverTime', { exchange: 'binance', raw: r });
      return r.serverTime;
    });
  }

  get credentials(): BinanceCredentials {
    return this.ctx.credentials;
  }

  /** Opens the WebSocket API connection and measures the clock now, so the first order pays neither. */
  warm(): void {
    this.clock.ensure().catch((err: Error) => this.ctx.error(err));
    if (this.ctx.wsTrading) this.api().start();
  }

  /** The WebSocket API connection (created on first use, not connected until used). */
  api(): WsRpc {
    if (this.rpc) return this.rpc;
    const rpc = privateSocket({
      ...reports(this.ctx),
      url: `${this.ctx.urls.wsApi}${PATHS.wsApi}?returnRateLimits=false`,
      codec: wsApiCodec,
      prepare: () => this.prepare(),
    });
    rpc.events.on('down', () => {
      this.loggedOn = false;
    });
    this.rpc = rpc;
    return rpc;
  }

  /** After every (re)connect: an Ed25519 key logs the session on. */
  private async prepare(): Promise<void> {
    if (this.ctx.credentials.kind !== 'ed25519') return;
    try {
      await this.withClock(async () => {
        const p = signWsParams(this.stamp({}), this.ctx.credentials);
        replyResult(await this.api().request('session.logon', p, { early: true }), 'session.logon');
      });
      this.loggedOn = true;
    } catch (err) {
      if (!(err instanceof RpcReplyLost) && !(err instanceof RequestTimeout)) this.onLogonRefused?.(err as Error);
      throw err;
    }
  }

  /** Params with the server's timestamp (and recvWindow). */
  stamp(params: Record<string, unknown>): Record<string, unknown> {
    const p: Record<string, unknown> = { ...params, timestamp: this.clock.now() };
    if (this.ctx.recvWindow !== undefined) p['recvWindow'] = this.ctx.recvWindow;
    return p;
  }

  /** Runs a signed request with the server's clock; on -1021 the clock is measured again and it is retried once. */
  withClock<T>(fn: () => Promise<T>): Promise<T> {
    return onServerClock(this.clock, fn);
  }

  /** A signed WebSocket API request; rejects with RpcNotSent when the API cannot take it now. */
  wsSigned<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const rpc = this.api();
    return this.withClock(async () => {
      await rpc.whenReady(this.ctx.timeoutMs);
      const p = this.stamp(params);
      const signed = this.loggedOn ? p : signWsParams(p, this.ctx.credentials);
      return replyResult<T>(await rpc.request(method, signed), method);
    });
  }

  /** A signed REST request (parameters in the query, X-MBX-APIKEY header). */
  restSigned<T>(method: HttpMethod, path: string, query: Query, weight: number): Promise<T> {
    return this.withClock(() =>
      this.ctx.rest.request<T>(method, path, {
        query: signRestQuery(this.stamp(query) as Query, this.ctx.credentials),
        headers: { 'X-MBX-APIKEY': this.ctx.credentials.apiKey },
        weight,
      }),
    );
  }

  /** Over the WebSocket API unless it cannot take the request now (then REST). */
  route<T>(ws: () => Promise<T>, rest: () => Promise<T>): Promise<T> {
    return wsOrRest(this.ctx.wsTrading, ws, rest);
  }

  /** An unsigned request on the logged-on (Ed25519) session. */
  async wsSession<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    return replyResult<T>(await this.api().request(method, params), method);
  }

  async close(): Promise<void> {
    await this.rpc?.close();
  }
}
