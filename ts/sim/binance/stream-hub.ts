/**
 * Fan-out of market stream payloads to subscribed connections. Each payload is serialised once;
 * connections in combined mode get it wrapped as {"stream":"<name>","data":<payload>}
 * (web-socket-streams.md "General WSS information").
 */

export interface StreamClient {
  /** Whether payloads are wrapped as {"stream","data"} (SET_PROPERTY combined). */
  combined: boolean;
  /** Streams this client is subscribed to, in subscription order. */
  readonly streams: Set<string>;
  send(text: string): void;
}

export class StreamHub {
  private readonly subs = new Map<string, Set<StreamClient>>();

  has(stream: string): boolean {
    const set = this.subs.get(stream);
    return set !== undefined && set.size > 0;
  }

  subscribe(client: StreamClient, stream: string): void {
    let set = this.subs.get(stream);
    if (!set) {
      set = new Set();
      this.subs.set(stream, set);
    }
    set.add(client);
    client.streams.add(stream);
  }

  unsubscribe(client: StreamClient, stream: string): void {
    client.streams.delete(stream);
    const set = this.subs.get(stream);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) this.subs.delete(stream);
  }

  removeClient(client: StreamClient): void {
    for (const s of [...client.streams]) this.unsubscribe(client, s);
  }

  /** Sends `payload` (an object or pre-serialised JSON) to every subscriber of `stream`. */
  publish(stream: string, payload: unknown): void {
    const set = this.subs.get(stream);
    if (!set || set.size === 0) return;
    const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
    let wrapped: string | undefined;
    for (const c of set) {
      if (c.combined) {
        wrapped ??= `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
        c.send(wrapped);
      } else c.send(raw);
    }
  }
}
