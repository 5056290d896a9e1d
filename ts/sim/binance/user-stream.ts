/**
 * User Data Stream over the WS API (web-socket-api.md "User Data Stream requests"): engine order
 * and balance events for subscribed accounts become executionReport, outboundAccountPosition and
 * balanceUpdate events (user-data-stream.md), each framed as {"subscriptionId":N,"event":{...}}.
 */
import { BalanceUpdate, MatchingEngine, OrderUpdate } from '../engine';
import { balanceUpdate, executionReport, outboundAccountPosition } from './format';

export interface UserSink {
  send(text: string): void;
}

export class UserStreams {
  private readonly subs = new Map<string, Map<UserSink, number>>();
  private executionId = 0;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly now: () => number,
  ) {
    engine.on('order', (u) => this.onOrder(u));
    engine.on('balance', (b) => this.onBalance(b));
  }

  has(account: string, sink: UserSink): boolean {
    return this.subs.get(account)?.has(sink) ?? false;
  }

  add(account: string, sink: UserSink, subscriptionId: number): void {
    let m = this.subs.get(account);
    if (!m) {
      m = new Map();
      this.subs.set(account, m);
    }
    m.set(sink, subscriptionId);
  }

  remove(account: string, sink: UserSink): void {
    const m = this.subs.get(account);
    if (!m) return;
    m.delete(sink);
    if (m.size === 0) this.subs.delete(account);
  }

  removeSink(sink: UserSink): void {
    for (const account of [...this.subs.keys()]) this.remove(account, sink);
  }

  private deliver(account: string, event: Record<string, unknown>): void {
    const m = this.subs.get(account);
    if (!m) return;
    const raw = JSON.stringify(event);
    for (const [sink, id] of m) sink.send(`{"subscriptionId":${id},"event":${raw}}`);
  }

  private onOrder(u: OrderUpdate): void {
    if (!this.subs.has(u.order.account)) return;
    const info = this.engine.market(u.order.symbol);
    this.deliver(u.order.account, executionReport(info, u, this.now(), ++this.executionId));
  }

  private onBalance(b: BalanceUpdate): void {
    if (!this.subs.has(b.account)) return;
    const now = this.now();
    if (b.transfer) this.deliver(b.account, balanceUpdate(b.transfer.asset, b.transfer.delta, now));
    this.deliver(b.account, outboundAccountPosition(b.balances, now, b.time));
  }
}
