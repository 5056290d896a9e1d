/**
 * Market stream connections: raw `/ws`, `/ws/<stream>[/<stream>...]` and combined
 * `/stream?streams=a/b`, with the live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS /
 * SET_PROPERTY / GET_PROPERTY protocol and its error codes 0-3, as in web-socket-streams.md
 * ("Live Subscribing/Unsubscribing to streams", "Error Messages"). Unknown stream names are
 * accepted and simply never produce data.
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import { StreamClient, StreamHub } from './stream-hub';
import { ConnHooks, ConnLimits, ManagedConn } from './ws-conn';

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];
const ID_RE = /^[A-Za-z0-9_-]{1,36}$/;

export class StreamConn implements StreamClient {
  combined: boolean;
  readonly streams = new Set<string>();

  constructor(
    readonly conn: ManagedConn,
    combined: boolean,
  ) {
    this.combined = combined;
  }

  send(text: string): void {
    this.conn.send(text);
  }
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
  readonly wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false, clientTracking: false });
  readonly clients = new Set<StreamConn>();

  constructor(
    private readonly hub: StreamHub,
    private readonly limits: ConnLimits,
    private readonly maxStreams: number,
    private readonly hooks: Omit<ConnHooks, 'closed' | 'shutdownNotice'> & { shutdownEvent(): string },
  ) {}

  /** Handles an upgrade for /ws..., /stream; returns false when the path is not a stream path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const path = url.pathname;
    let combined: boolean;
    let streams: string[];
    if (path === '/ws' || path === '/ws/') {
      combined = false;
      streams = [];
    } else if (path.startsWith('/ws/')) {
      combined = false;
      streams = path.slice(4).split('/').filter((s) => s !== '').map(decodeURIComponent);
    } else if (path === '/stream' || path === '/stream/') {
      combined = true;
      streams = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    } else return false;
    if (streams.length > this.maxStreams) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, path, combined, streams));
    return true;
  }

  private attach(ws: WebSocket, path: string, combined: boolean, streams: string[]): void {
    let client: StreamConn | undefined;
    const conn = new ManagedConn(ws, 'stream', path, this.limits, {
      ...this.hooks,
      shutdownNotice: () => {
        const ev = this.hooks.shutdownEvent();
        conn.send(client?.combined ? `{"stream":"!serverShutdown","data":${ev}}` : ev);
      },
      closed: () => {
        if (client) {
          this.hub.removeClient(client);
          this.clients.delete(client);
        }
      },
    });
    client = new StreamConn(conn, combined);
    this.clients.add(client);
    for (const s of streams) this.hub.subscribe(client, s);
    const c = client;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!conn.countIncoming()) return;
      this.onMessage(c, isBinary ? data.toString('utf8') : data.toString());
    });
  }

  private reply(c: StreamConn, body: Record<string, unknown>): void {
    c.conn.send(JSON.stringify(body));
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

  /** Closes every stream connection matching the filter; returns how many. */
  drop(match: (c: StreamConn) => boolean): number {
    let n = 0;
    for (const c of [...this.clients]) {
      if (!match(c)) continue;
      c.conn.terminate();
      n++;
    }
    return n;
  }

  housekeeping(now: number): void {
    for (const c of this.clients) c.conn.housekeeping(now);
  }

  close(): void {
    for (const c of this.clients) c.conn.terminate();
    this.clients.clear();
    this.wss.close();
  }
}
