/**
 * Market stream connections: raw `/ws`, `/ws/<stream>[/<stream>...]` and combined
 * `/stream?streams=a/b`, with the live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS /
 * SET_PROPERTY / GET_PROPERTY protocol and its error codes 0-3, as in web-socket-streams.md
 * ("Live Subscribing/Unsubscribing to streams", "Error Messages"). Unknown stream names are
 * accepted and simply never produce data.
 */
import { ConnLimits, SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { StreamClient, StreamHub } from './stream-hub';

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];
const ID_RE = /^[A-Za-z0-9_-]{1,36}$/;

/** The serverShutdown event sent when a connection's lifetime is over. */
export function shutdownEvent(now: number): string {
  return JSON.stringify({ e: 'serverShutdown', E: now });
}

export class StreamConn extends SimSocket implements StreamClient {
  /** Whether payloads are wrapped as {"stream","data"}: /stream URLs, or SET_PROPERTY combined. */
  combined = false;
  readonly streams = new Set<string>();

  override subscribedTo(stream: string): boolean {
    return this.streams.has(stream);
  }

  protected override lifetimeNotice(): void {
    const ev = shutdownEvent(this.gate.now());
    this.send(this.combined ? `{"stream":"!serverShutdown","data":${ev}}` : ev);
  }
}

/** The streams named by a stream URL (/ws, /ws/<stream>[/<stream>...], /stream?streams=a/b), and whether it is combined. */
function urlStreams(path: string, query: URLSearchParams): { combined: boolean; streams: string[] } {
  if (path.startsWith('/stream')) return { combined: true, streams: (query.get('streams') ?? '').split('/').filter((s) => s !== '') };
  return { combined: false, streams: path.slice(4).split('/').filter((s) => s !== '').map(decodeURIComponent) };
}

/** Line/column (1-based) of a JSON.parse failure, for "Invalid JSON: expected value at line L column C". */
function jsonErrorPosition(text: string, err: unknown): { line: number; column: number } {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

export class StreamServer {
  readonly server: SocketServer<StreamConn>;

  constructor(
    private readonly hub: StreamHub,
    limits: ConnLimits,
    private readonly maxStreams: number,
    gate: SocketGate,
  ) {
    const accepts = (p: string): boolean => p === '/ws' || p.startsWith('/ws/') || p === '/stream' || p === '/stream/';
    this.server = new SocketServer<StreamConn>(accepts, {
      refuse: (path, query) => (urlStreams(path, query).streams.length > maxStreams ? 400 : undefined),
      create: (ws, path, query, id) => {
        const c = new StreamConn(ws, path, query, id, gate, limits);
        const { combined, streams } = urlStreams(path, query);
        c.combined = combined;
        for (const s of streams) hub.subscribe(c, s);
        return c;
      },
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => hub.removeClient(c),
    });
  }

  private reply(c: StreamConn, body: Record<string, unknown>): void {
    c.send(JSON.stringify(body));
  }

  private onMessage(c: StreamConn, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      const { line, column } = jsonErrorPosition(text, err);
      this.reply(c, { code: 3, msg: `Invalid JSON: expected value at line ${line} column ${column}` });
      return;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      this.reply(c, { code: 2, msg: 'Invalid request: expected a JSON object' });
      return;
    }
    const m = msg as Record<string, unknown>;
    const id = m['id'];
    const idOk = id === null || (typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && ID_RE.test(id));
    const err = (code: number, text2: string): void => this.reply(c, idOk ? { code, msg: text2, id } : { code, msg: text2 });
    if (!('method' in m)) return err(2, `Invalid request: missing field \`method\` at line 1 column ${text.length}`);
    const method = m['method'];
    if (typeof method !== 'string' || !METHODS.includes(method)) {
      return err(2, `Invalid request: unknown variant \`${String(method)}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\` at line 1 column ${text.indexOf(String(method)) + String(method).length + 1}`);
    }
    if (!('id' in m) || !idOk) return err(2, 'Invalid request: request ID must be an unsigned integer');
    const params = m['params'];
    const list = params === undefined ? [] : params;
    if (!Array.isArray(list)) return err(2, 'Invalid request: params must be an array');
    switch (method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (list.some((s) => typeof s !== 'string')) return err(2, 'Invalid request: stream names must be strings');
        const names = list as string[];
        if (method === 'SUBSCRIBE') {
          const added = names.filter((s) => !c.streams.has(s)).length;
          if (c.streams.size + added > this.maxStreams) return err(2, `Invalid request: too many streams (max ${this.maxStreams} per connection)`);
          for (const s of names) this.hub.subscribe(c, s);
        } else for (const s of names) this.hub.unsubscribe(c, s);
        return this.reply(c, { result: null, id });
      }
      case 'LIST_SUBSCRIPTIONS':
        if (list.length > 0) return err(2, 'Invalid request: too many parameters');
        return this.reply(c, { result: [...c.streams], id });
      default: {
        const isSet = method === 'SET_PROPERTY';
        if (list.length > (isSet ? 2 : 1)) return err(2, 'Invalid request: too many parameters');
        const name = list[0];
        if (typeof name !== 'string') return err(2, 'Invalid request: property name must be a string');
        if (name !== 'combined') return err(0, 'Unknown property');
        if (!isSet) return this.reply(c, { result: c.combined, id });
        const value = list[1];
        if (typeof value !== 'boolean') return err(1, 'Invalid value type: expected Boolean');
        c.combined = value;
        return this.reply(c, { result: null, id });
      }
    }
  }
}
