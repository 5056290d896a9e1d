/**
 * The push side of the public API: `on`/`off` over mitt, with every user callback isolated so a
 * throw never breaks the stream or the other callbacks (DESIGN.md §1 "Push — callbacks").
 */
import mitt, { Emitter, Handler } from 'mitt';
import { BaseError } from '../core/errors';

export { CHANNELS, Channel, ClientChannel, MarketChannel, PrivateChannel, eventKey, isMarketChannel, isPrivateChannel } from '../core/channels';

type AnyHandler = (payload: unknown) => void;

/** Wraps mitt: remembers the isolating wrapper of each user callback so `off` can find it. */
export class EventHub {
  private readonly bus: Emitter<Record<string, unknown>> = mitt();
  private readonly wrappers = new Map<string, Map<AnyHandler, Handler<unknown>>>();
  private readonly exchange: string;

  constructor(exchange: string) {
    this.exchange = exchange;
  }

  /** Registers `cb` under `key`; returns its remover. */
  add(key: string, cb: AnyHandler): () => void {
    let byCb = this.wrappers.get(key);
    if (!byCb) this.wrappers.set(key, (byCb = new Map()));
    if (byCb.has(cb)) return () => this.remove(key, cb);
    const wrapped: Handler<unknown> = (payload) => {
      try {
        cb(payload);
      } catch (err) {
        this.reportCallbackError(key, err);
      }
    };
    byCb.set(cb, wrapped);
    this.bus.on(key, wrapped);
    return () => this.remove(key, cb);
  }

  /** Removes `cb` from `key`; true if it was registered. */
  remove(key: string, cb: AnyHandler): boolean {
    const byCb = this.wrappers.get(key);
    const wrapped = byCb?.get(cb);
    if (!byCb || !wrapped) return false;
    byCb.delete(cb);
    if (byCb.size === 0) this.wrappers.delete(key);
    this.bus.off(key, wrapped);
    return true;
  }

  /** How many callbacks listen on `key`. */
  count(key: string): number {
    return this.wrappers.get(key)?.size ?? 0;
  }

  /** True if anything listens on `key` (cheap: checked per frame before building payloads). */
  has(key: string): boolean {
    return this.wrappers.has(key);
  }

  emit(key: string, payload: unknown): void {
    if (this.wrappers.has(key)) this.bus.emit(key, payload);
  }

  /** Reports an error on 'error'. With no 'error' listener it is written to stderr, never thrown. */
  error(err: Error): void {
    if (this.wrappers.has('error')) this.bus.emit('error', err);
    else process.emitWarning(err.message, { type: err.name, code: 'EXSTREAM_UNHANDLED' });
  }

  private reportCallbackError(key: string, err: unknown): void {
    if (key === 'error') {
      // an 'error' callback that throws must not recurse
      process.emitWarning(`exstream: an 'error' callback threw: ${String(err)}`);
      return;
    }
    // the key is internal ("orderbook|BTC/USDT|1m"): say it as the user wrote the `on` call
    const [channel, symbol, timeframe] = key.split('|');
    // (the symbol goes in the error's prefix: "binance BTC/USDT: an 'orderbook' callback threw: ...")
    const what = timeframe === undefined ? '' : ` (${timeframe})`;
    const e = new BaseError(`a callback on '${channel}'${what} threw: ${err instanceof Error ? err.message : String(err)}`, {
      exchange: this.exchange,
      symbol,
      cause: err,
    });
    this.error(e);
  }

  clear(): void {
    this.bus.all.clear();
    this.wrappers.clear();
  }
}
