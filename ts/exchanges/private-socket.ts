/**
 * Two small pieces every private side repeated: its authenticated request socket (a WsRpc whose
 * status, errors and pushes go to the instance), and a signed request run on the server's clock,
 * measured again and retried once when the exchange refuses the timestamp (InvalidNonce: the
 * request was refused, not executed).
 */
import { InvalidNonce, RequestTimeout } from '../core/errors';
import type { PrivateSink } from '../core/private-adapter';
import type { Market, StatusEvent, Urls } from '../core/types';
import type { RestClient } from '../transport/rest-client';
import type { ServerClock } from '../transport/server-clock';
import type { WsConnectionOptions } from '../transport/ws-connection';
import { RpcCodec, RpcNotSent, RpcReplyLost, WsRpc } from '../transport/ws-rpc';

export interface PrivateSocketOptions {
  connection: Omit<WsConnectionOptions, 'url'>;
  url: string;
  codec: RpcCodec;
  timeoutMs: number;
  /** Login / subscribe after every (re)connect. */
  prepare: () => Promise<void>;
  status(s: StatusEvent): void;
  error(err: Error): void;
  /** Frames that answer no request (pushes). */
  push?(msg: unknown): void;
}

/** What a private side's context gives every socket: connection options, timeout, status and error reports. */
export function reports(ctx: Pick<PrivateSocketOptions, 'connection' | 'status' | 'error'> & { timeoutMs: number }): Pick<PrivateSocketOptions, 'connection' | 'timeoutMs' | 'status' | 'error'> {
  return { connection: ctx.connection, timeoutMs: ctx.timeoutMs, status: (s) => ctx.status(s), error: (e) => ctx.error(e) };
}

/** A WsRpc wired to the instance's status and error reports (and pushes, when given). */
export function privateSocket(o: PrivateSocketOptions): WsRpc {
  const rpc = new WsRpc({ ...o.connection, url: o.url, codec: o.codec, requestTimeoutMs: o.timeoutMs, prepare: () => o.prepare() });
  rpc.events.on('status', (s) => o.status(s));
  rpc.events.on('error', (e) => o.error(e));
  if (o.push) rpc.events.on('event', (m) => o.push?.(m));
  return rpc;
}

/** `send` on the server's clock; a refused timestamp measures the clock again and sends once more. */
export async function onServerClock<T>(clock: ServerClock, send: () => Promise<T>): Promise<T> {
  await clock.ensure();
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof InvalidNonce)) throw err;
    await clock.sync();
    return send();
  }
}

/**
 * The receiving end of a private stream: the sink, and whether the stream is wanted (between
 * startStream and stopStream, until refused for good). `to` is the sink only while wanted, so
 * nothing reaches the state after a stop.
 */
export class StreamTap {
  private sink: PrivateSink | undefined;
  private on = false;
  private readonly followed = new WeakSet<WsRpc>();

  get wanted(): boolean {
    return this.on;
  }

  /** The sink while the stream is wanted. */
  get to(): PrivateSink | undefined {
    return this.on ? this.sink : undefined;
  }

  start(sink: PrivateSink): void {
    this.sink = sink;
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  /** Refused for good (bad key, rejected login): `failed` once; false when it was not wanted. */
  refuse(err: Error): boolean {
    if (!this.on) return false;
    this.on = false;
    this.sink?.failed(err);
    return true;
  }

  /** Reports a socket's 'ready' through `ready` (default: live) and 'down' as down; once per socket. */
  follow(rpc: WsRpc, ready: () => void = () => this.to?.live()): void {
    if (this.followed.has(rpc)) return;
    this.followed.add(rpc);
    rpc.events.on('ready', ready);
    rpc.events.on('down', () => this.to?.down());
  }

  close(): void {
    this.on = false;
    this.sink = undefined;
  }
}

/**
 * A private stream's subscribe request on `rpc`: not sent, or its reply lost with the connection,
 * ends quietly (the next 'ready' subscribes again); unanswered in time reconnects; any other error
 * (a refusal) rejects, for the caller to fail the stream with.
 */
export async function subscribeOn(rpc: WsRpc, what: string, request: () => Promise<void>): Promise<void> {
  try {
    await request();
  } catch (err) {
    if (err instanceof RpcNotSent || err instanceof RpcReplyLost) return;
    if (err instanceof RequestTimeout) {
      rpc.reconnect(`${what} unanswered`);
      return;
    }
    throw err;
  }
}

/** What an exchange instance gives its private side; each adds its credentials and own options. */
export interface PrivateContext {
  rest: RestClient;
  urls: Urls;
  timeoutMs: number;
  /** Orders over the WebSocket trading API (default); false: REST only. */
  wsTrading: boolean;
  connection: Omit<WsConnectionOptions, 'url'>;
  market(symbol: string): Market;
  status(s: StatusEvent): void;
  error(err: Error): void;
}
