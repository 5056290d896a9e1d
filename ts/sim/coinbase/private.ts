/**
 * The simulated Coinbase Advanced Trade account (protocols.md §5 "JWT auth", "Orders", "user"):
 * one CDP key (a P-256 key made at start: `apiKey` is its name, `secret` its PEM), JWTs checked
 * on every private request (signature, `kid` = `sub` = the key name, `iss` "cdp" (or the earlier
 * "coinbase-cloud"), `nbf` / `exp` within two minutes, REST `uri` = "METHOD host/path" with the
 * request's method and path; any host), and over the engine:
 * - REST `GET /accounts`, `POST /orders`, `POST /orders/batch_cancel`, `POST /orders/edit`,
 *   `GET /orders/historical/batch`, `GET /orders/historical/{id}`, `GET /orders/historical/fills`;
 *   a repeated client_order_id returns the order it placed (never a second order): Create Order's
 *   reference, client_order_id: "If the ID provided is not unique, the order fails to be created
 *   and the order corresponding to that ID is returned" (as success, with that order's id);
 * - the `user` channel: the open orders first (batches of 50, a shorter batch ends them), then
 *   every change of an order, pushed before the REST reply of the request that caused it.
 * Fees: the documented default tier, Intro 1 (under $1K of 30-day volume): 0.60% maker, 1.20%
 * taker (help.coinbase.com "Advanced Trade fees"), charged in the quote currency on every fill
 * (`commission` of /fills, `total_fees` of orders, the tier in /transaction_summary).
 * GTD orders (limit_limit_gtd) expire at their `end_time`: status EXPIRED.
 * Simplification: order ids are the engine's numbers as strings.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, verify } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { ASSET_SCALE, EngineError, formatScaled, MatchingEngine, OrderSnapshot, OwnTrade, PlaceOrderRequest } from '../engine';
import type { Faults } from '../common/faults';
import { trimDecimal } from '../common/format';
import { sendJson } from '../common/runtime';
import type { SimAccount } from '../common/simulator';
import type { CoinbaseConn } from './feed';
import { px, sz } from './feed';
import type { CoinbaseProduct } from './symbols';
import { errorBody } from './rest';

const B = '/api/v3/brokerage';
const ACCOUNT = 'user';
/** Intro 1, the default Advanced Trade fee tier: parts per million of a fill's notional. */
export const FEE_TIER = { name: 'Intro 1', makerPpm: 6000, takerPpm: 12000, maker: '0.006', taker: '0.012' };

type Json = Record<string, unknown>;

interface ExtOrder {
  id: string;
  productId: string;
  side: 'BUY' | 'SELL';
  cid: string;
  config: Record<string, Record<string, unknown>>;
  type: 'LIMIT' | 'MARKET';
  tif: string;
  postOnly: boolean;
  created: number;
  /** Engine orders behind it (an edit replaces the engine order), the current one last. */
  engineIds: number[];
  /** GTD: when it expires (ms). */
  endTime?: number;
  /** A GTD order past its end_time (its engine order was canceled for it). */
  expired?: boolean;
}

const b64u = (s: string): Buffer => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
const dec = (v: bigint): string => trimDecimal(formatScaled(v, ASSET_SCALE));

export class CoinbaseAccountSim implements SimAccount {
  readonly apiKey: string;
  readonly secret: string;
  private readonly publicKey: KeyObject;
  private readonly orders = new Map<string, ExtOrder>();
  private readonly byEngineId = new Map<number, ExtOrder>();
  private readonly byCid = new Map<string, ExtOrder>();
  /** Engine order ids whose cancel is the first half of an edit (not pushed as CANCELLED). */
  private readonly replacing = new Set<number>();
  private conns: () => Iterable<CoinbaseConn> = () => [];
  /** Deposits made with deposit(), oldest first. */
  private readonly transfers: { id: string; asset: string; amount: string; time: number }[] = [];
  /** Products whose next user-channel message is lost. */
  private readonly skip = new Set<string>();
  /** The order whose engine order is being placed right now (its first events name no known id). */
  private placing: ExtOrder | undefined;
  /** `${tradeId}-${engine orderId}` -> the fee of that own fill (10^-16 quote units). */
  private readonly fees = new Map<string, bigint>();
  /** Runs a function later on the server's timers (GTD expiries). */
  private schedule: (ms: number, fn: () => void) => void = (ms, fn) => void setTimeout(fn, ms).unref();

  constructor(
    private readonly engine: MatchingEngine,
    private readonly products: readonly CoinbaseProduct[],
    private readonly faults: Faults,
    private readonly now: () => number,
    key?: { name: string; privateKey: string },
  ) {
    if (key) {
      // the caller's CDP key (EC P-256, PEM)
      const priv = createPrivateKey(key.privateKey);
      if (priv.asymmetricKeyType !== 'ec' && priv.asymmetricKeyType !== 'ed25519') throw new RangeError('the simulator takes an EC P-256 or Ed25519 CDP key (PEM)');
      this.publicKey = createPublicKey(priv);
      this.secret = key.privateKey;
      this.apiKey = key.name;
    } else {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.publicKey = publicKey;
      this.secret = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
      this.apiKey = `organizations/00000000-0000-4000-8000-000000000000/apiKeys/${Math.random().toString(16).slice(2, 10)}-sim`;
    }
    // fees are charged here, in the quote currency as Coinbase does (the engine would take a
    // buyer's fee out of the base it receives)
    engine.addAccount(ACCOUNT, { makerFeePpm: 0, takerFeePpm: 0 });
    engine.deposit(ACCOUNT, 'USD', '1000000');
    const bases = new Set(products.map((p) => p.base));
    for (const b of bases) engine.deposit(ACCOUNT, b, b === 'BTC' ? '10' : '1000');
    engine.on('order', (u) => {
      if (u.order.account !== ACCOUNT) return;
      if (u.execType === 'TRADE' && u.fill) this.charge(u.order.symbol, u.order.orderId, u.fill);
      if (u.execType === 'CANCELED' && this.replacing.has(u.order.orderId)) return;
      let ext = this.byEngineId.get(u.order.orderId);
      const p = this.placing;
      if (!ext && p) {
        // the first event of an order being placed (or of the engine order an edit puts in place)
        if (p.id === '') p.id = String(u.order.orderId);
        this.track(p, u.order.orderId);
        ext = p;
      }
      if (ext) this.push(ext, 'update');
    });
  }

  /** The connections of the market-data socket server (the user channel rides on it), and the server's timers. */
  attach(conns: () => Iterable<CoinbaseConn>, schedule?: (ms: number, fn: () => void) => void): void {
    this.conns = conns;
    if (schedule) this.schedule = schedule;
  }

  /** The fee of an own fill, taken from the quote balance. */
  private charge(symbol: string, orderId: number, fill: { tradeId: number; quote: bigint; isMaker: boolean }): void {
    const fee = (fill.quote * BigInt(fill.isMaker ? FEE_TIER.makerPpm : FEE_TIER.takerPpm)) / 1_000_000n;
    this.fees.set(`${fill.tradeId}-${orderId}`, fee);
    if (fee <= 0n) return;
    try {
      this.engine.withdraw(ACCOUNT, this.engine.market(symbol).quote, dec(fee));
    } catch {
      // a balance too small for the fee: the fill stands (the simulator does not hold fees)
    }
  }

  private feeOf(t: OwnTrade): bigint {
    return this.fees.get(`${t.tradeId}-${t.orderId}`) ?? 0n;
  }

  /** A GTD order reached its end_time: its engine order is canceled and it reports EXPIRED. */
  private expire(ext: ExtOrder): void {
    const cur = this.current(ext);
    if (!cur || !this.engine.isOpen(ext.productId, cur.orderId)) return;
    ext.expired = true;
    this.engine.cancelOrder(ACCOUNT, ext.productId, { orderId: cur.orderId });
  }

  /** Credits the account and records a completed deposit (listed by /v2/accounts/{id}/deposits). */
  deposit(asset: string, amount: number | string): void {
    this.engine.deposit(ACCOUNT, asset, amount);
    const t = this.now();
    this.transfers.push({ id: `sim-deposit-${this.transfers.length + 1}`, asset, amount: String(amount), time: t });
  }

  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.engine.balances(ACCOUNT)) out[b.asset] = { free: dec(b.free), locked: dec(b.locked) };
    return out;
  }

  // ---------------------------------------------------------------- JWT

  /** Why a JWT is refused, or undefined when it is good. `uri` is checked for REST tokens. */
  checkJwt(token: unknown, uri?: string): string | undefined {
    if (this.faults.loginsRejected) return 'Unauthorized';
    if (typeof token !== 'string') return 'missing JWT';
    const parts = token.split('.');
    if (parts.length !== 3) return 'malformed JWT';
    let header: Json;
    let claims: Json;
    try {
      header = JSON.parse(b64u(parts[0] as string).toString('utf8')) as Json;
      claims = JSON.parse(b64u(parts[1] as string).toString('utf8')) as Json;
    } catch {
      return 'malformed JWT';
    }
    const alg = this.publicKey.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
    if (header['alg'] !== alg) return `alg ${String(header['alg'])} does not match the key (${alg})`;
    if (header['kid'] !== this.apiKey || claims['sub'] !== this.apiKey) return 'unknown API key';
    // "cdp" today; "coinbase-cloud" in Coinbase's earlier CDP docs and SDKs (still sent by clients)
    if (claims['iss'] !== 'cdp' && claims['iss'] !== 'coinbase-cloud') return 'iss must be cdp';
    if (typeof header['nonce'] !== 'string' || header['nonce'] === '') return 'missing nonce';
    const nowSec = Math.floor(this.now() / 1000);
    const nbf = claims['nbf'];
    const exp = claims['exp'];
    if (typeof nbf !== 'number' || typeof exp !== 'number') return 'nbf and exp are required';
    if (nbf > nowSec + 5) return 'JWT not yet valid';
    if (exp <= nowSec) return 'JWT expired';
    if (exp - nbf > 120) return 'JWT lifetime over 2 minutes';
    if (uri !== undefined && (typeof claims['uri'] !== 'string' || methodAndPath(claims['uri']) !== methodAndPath(uri))) {
      return `uri claim ${JSON.stringify(claims['uri'])} does not match ${JSON.stringify(uri)}`;
    }
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = b64u(parts[2] as string);
    const ok = alg === 'EdDSA' ? verify(null, input, this.publicKey, sig) : verify('sha256', input, { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    return ok ? undefined : 'invalid signature';
  }

  // ---------------------------------------------------------------- REST

  /** Handles a private REST route; false when the path is not one. */
  handle(req: IncomingMessage, res: ServerResponse, body: string, url: URL, rateLimit: () => { status: number; retryAfterSec: number } | undefined): boolean {
    const path = url.pathname;
    const isPrivate =
      path === `${B}/accounts` || path.startsWith(`${B}/accounts/`) || path === `${B}/orders` || path.startsWith(`${B}/orders/`) || path === `${B}/transaction_summary` || path === '/v2/accounts' || path.startsWith('/v2/accounts/');
    if (!isPrivate) return false;
    const limited = rateLimit();
    if (limited) {
      const headers: Record<string, string> = limited.retryAfterSec > 0 ? { 'retry-after': String(limited.retryAfterSec) } : {};
      sendJson(res, limited.status, errorBody('RATE_LIMIT_EXCEEDED', 'Too many requests'), headers);
      return true;
    }
    const auth = req.headers['authorization'];
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const why = this.checkJwt(token, `${req.method ?? 'GET'} ${req.headers.host ?? ''}${path}`);
    if (why) {
      sendJson(res, 401, errorBody('UNAUTHENTICATED', why));
      return true;
    }
    let json: Json = {};
    if (req.method === 'POST') {
      try {
        json = JSON.parse(body || '{}') as Json;
      } catch {
        sendJson(res, 400, errorBody('INVALID_ARGUMENT', 'body is not JSON'));
        return true;
      }
    }
    const q = url.searchParams;
    try {
      if (req.method === 'GET' && path === `${B}/accounts`) sendJson(res, 200, this.accounts());
      else if (req.method === 'GET' && path === `${B}/transaction_summary`) sendJson(res, 200, this.summary());
      else if (req.method === 'GET' && path === '/v2/accounts') sendJson(res, 200, { pagination: { ending_before: null, starting_after: null, previous_ending_before: null, next_starting_after: null, limit: 250, order: 'desc', previous_uri: null, next_uri: null }, data: this.appAccounts() });
      else if (req.method === 'GET' && /^\/v2\/accounts\/[^/]+$/.test(path)) {
        const a = this.appAccounts().find((x) => x['id'] === decodeURIComponent(path.slice('/v2/accounts/'.length)));
        if (a) sendJson(res, 200, { data: a });
        else sendJson(res, 404, { errors: [{ id: 'not_found', message: 'Not found' }] });
      } else if (req.method === 'GET' && /^\/v2\/accounts\/[^/]+\/(deposits|withdrawals)$/.test(path)) sendJson(res, 200, this.transferList(path));
      else if (req.method === 'POST' && path === `${B}/orders`) sendJson(res, 200, this.place(json));
      else if (req.method === 'POST' && path === `${B}/orders/batch_cancel`) sendJson(res, 200, this.cancel(json));
      else if (req.method === 'POST' && path === `${B}/orders/edit`) sendJson(res, 200, this.edit(json));
      else if (req.method === 'GET' && path === `${B}/orders/historical/batch`) sendJson(res, 200, this.list(q));
      else if (req.method === 'GET' && path === `${B}/orders/historical/fills`) sendJson(res, 200, this.fills(q));
      else if (req.method === 'GET' && path.startsWith(`${B}/orders/historical/`)) {
        const ext = this.orders.get(decodeURIComponent(path.slice(`${B}/orders/historical/`.length)));
        if (!ext) sendJson(res, 404, errorBody('NOT_FOUND', 'order not found'));
        else sendJson(res, 200, { order: this.restOrder(ext) });
      } else sendJson(res, 404, errorBody('NOT_FOUND', 'Not Found'));
    } catch (err) {
      const msg = (err as Error).message;
      sendJson(res, 400, errorBody('INVALID_ARGUMENT', msg));
    }
    return true;
  }

  private accounts(): Json {
    const accounts = this.engine.balances(ACCOUNT).map((b) => ({
      uuid: `sim-${b.asset}`,
      name: `${b.asset} Wallet`,
      currency: b.asset,
      available_balance: { value: dec(b.free), currency: b.asset },
      default: false,
      active: true,
      type: 'ACCOUNT_TYPE_CRYPTO',
      ready: true,
      hold: { value: dec(b.locked), currency: b.asset },
    }));
    return { accounts, has_next: false, cursor: '', size: accounts.length };
  }

  /**
   * Coinbase App API v2 accounts (docs.cdp.coinbase.com/coinbase-app/track-apis/accounts: List
   * Accounts `GET /v2/accounts`, Show Account `GET /v2/accounts/:account_id`), which third-party
   * clients read for balances: one wallet per asset, the id the same as the v3 account's uuid,
   * `balance` the whole amount (free and held).
   */
  private appAccounts(): Json[] {
    const fiat = new Set(['USD', 'EUR', 'GBP']);
    return this.engine.balances(ACCOUNT).map((b) => ({
      id: `sim-${b.asset}`,
      name: `${b.asset} Wallet`,
      primary: false,
      type: fiat.has(b.asset) ? 'fiat' : 'wallet',
      currency: { code: b.asset, name: b.asset, type: fiat.has(b.asset) ? 'fiat' : 'crypto' },
      balance: { amount: dec(b.free + b.locked), currency: b.asset },
      created_at: '2024-01-01T00:00:00Z',
      updated_at: new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      resource: 'account',
      resource_path: `/v2/accounts/sim-${b.asset}`,
      allow_deposits: true,
      allow_withdrawals: true,
    }));
  }

  /** Coinbase App API v2 deposits / withdrawals of one account (`sim-<ASSET>`): deposit() records; no withdrawals. */
  private transferList(path: string): Json {
    const [, , , id, kind] = path.split('/');
    const asset = (id ?? '').replace(/^sim-/, '');
    const rows = kind === 'deposits' ? this.transfers.filter((t) => t.asset === asset) : [];
    const data = rows
      .slice()
      .reverse()
      .map((t) => ({
        id: t.id,
        status: 'completed',
        payment_method: { id: 'sim', resource: 'payment_method' },
        transaction: { id: `${t.id}-tx`, resource: 'transaction' },
        amount: { amount: t.amount, currency: t.asset },
        subtotal: { amount: t.amount, currency: t.asset },
        fee: { amount: '0', currency: t.asset },
        created_at: new Date(t.time).toISOString(),
        updated_at: new Date(t.time).toISOString(),
        resource: 'deposit',
        resource_path: `/v2/accounts/${id}/deposits/${t.id}`,
        committed: true,
        payout_at: new Date(t.time).toISOString(),
      }));
    return { pagination: { ending_before: null, starting_after: null, limit: 25, order: 'desc', previous_uri: null, next_uri: null }, data };
  }

  /** `GET /transaction_summary`: the fee tier (Intro 1). */
  private summary(): Json {
    return {
      total_volume: 0,
      total_fees: 0,
      fee_tier: { pricing_tier: FEE_TIER.name, usd_from: '0', usd_to: '1000', taker_fee_rate: FEE_TIER.taker, maker_fee_rate: FEE_TIER.maker, aop_from: '', aop_to: '' },
      margin_rate: null,
      goods_and_services_tax: null,
      advanced_trade_only_volume: 0,
      advanced_trade_only_fees: 0,
      coinbase_pro_volume: 0,
      coinbase_pro_fees: 0,
    };
  }

  private product(id: unknown): CoinbaseProduct | undefined {
    return this.products.find((p) => p.productId === id);
  }

  private place(b: Json): Json {
    const cid = b['client_order_id'];
    const cfg = b['order_configuration'] as Record<string, Record<string, unknown>> | undefined;
    // a refusal as Coinbase words it: {"error":"INSUFFICIENT_FUND","message":"Insufficient balance
    // in source account","error_details":"","preview_failure_reason":"PREVIEW_INSUFFICIENT_FUND"}
    // (the PreviewFailureReason values carry the PREVIEW_ prefix; NewOrderFailureReason does not)
    const fail = (error: string, message: string): Json => ({
      success: false,
      failure_reason: 'UNKNOWN_FAILURE_REASON',
      error_response: {
        error,
        message: error === 'INSUFFICIENT_FUND' ? 'Insufficient balance in source account' : message,
        error_details: error === 'INSUFFICIENT_FUND' ? '' : message,
        preview_failure_reason: `PREVIEW_${error}`,
        new_order_failure_reason: error,
      },
      order_configuration: cfg,
    });
    if (typeof cid !== 'string' || cid === '') return fail('INVALID_ARGUMENT', 'client_order_id is required');
    const seen = this.byCid.get(cid);
    if (seen) return { success: true, success_response: { order_id: seen.id, product_id: seen.productId, side: seen.side, client_order_id: cid }, order_configuration: seen.config };
    const prod = this.product(b['product_id']);
    if (!prod) return fail('INVALID_PRODUCT_ID', `product ${String(b['product_id'])} is not valid`);
    const side = b['side'];
    if (side !== 'BUY' && side !== 'SELL') return fail('INVALID_SIDE', 'side must be BUY or SELL');
    if (!cfg || typeof cfg !== 'object' || Object.keys(cfg).length !== 1) return fail('UNSUPPORTED_ORDER_CONFIGURATION', 'one order_configuration is required');
    const key = Object.keys(cfg)[0] as string;
    const c = cfg[key] ?? {};
    const req: PlaceOrderRequest = { account: ACCOUNT, symbol: prod.productId, side, type: 'LIMIT', clientOrderId: cid };
    let tif = 'GOOD_UNTIL_CANCELLED';
    let postOnly = false;
    switch (key) {
      case 'market_market_ioc':
        req.type = 'MARKET';
        tif = 'IMMEDIATE_OR_CANCEL';
        if (c['quote_size'] !== undefined) req.quoteOrderQty = String(c['quote_size']);
        else req.quantity = String(c['base_size']);
        break;
      case 'limit_limit_gtc':
      case 'limit_limit_gtd':
        postOnly = c['post_only'] === true;
        req.type = postOnly ? 'LIMIT_MAKER' : 'LIMIT';
        req.timeInForce = 'GTC';
        if (key === 'limit_limit_gtd') tif = 'GOOD_UNTIL_DATE_TIME';
        break;
      case 'limit_limit_fok':
        req.timeInForce = 'FOK';
        tif = 'FILL_OR_KILL';
        break;
      case 'sor_limit_ioc':
        req.timeInForce = 'IOC';
        tif = 'IMMEDIATE_OR_CANCEL';
        break;
      default:
        return fail('UNSUPPORTED_ORDER_CONFIGURATION', `order_configuration ${key} is not supported`);
    }
    if (req.type !== 'MARKET') {
      req.price = String(c['limit_price']);
      req.quantity = String(c['base_size']);
    }
    let endTime: number | undefined;
    if (key === 'limit_limit_gtd') {
      endTime = typeof c['end_time'] === 'string' ? Date.parse(c['end_time']) : NaN;
      if (!Number.isFinite(endTime)) return fail('INVALID_ARGUMENT', 'limit_limit_gtd needs end_time (RFC 3339)');
      if (endTime <= this.now()) return fail('INVALID_END_TIME', 'end_time must be in the future');
    }
    // the record exists before the engine runs, so the user channel can push the order's first event
    const ext: ExtOrder = { id: '', productId: prod.productId, side, cid, config: cfg, type: req.type === 'MARKET' ? 'MARKET' : 'LIMIT', tif, postOnly, created: this.now(), engineIds: [], endTime };
    this.placing = ext;
    try {
      const r = this.engine.placeOrder(req);
      if (ext.id === '') ext.id = String(r.order.orderId);
      if (!ext.engineIds.includes(r.order.orderId)) this.track(ext, r.order.orderId);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      return fail(failureReason(err.reason), err.message);
    } finally {
      this.placing = undefined;
    }
    this.orders.set(ext.id, ext);
    this.byCid.set(cid, ext);
    if (endTime !== undefined) this.schedule(Math.max(0, endTime - this.now()), () => this.expire(ext));
    return { success: true, success_response: { order_id: ext.id, product_id: ext.productId, side, client_order_id: cid }, order_configuration: cfg };
  }

  private track(ext: ExtOrder, engineId: number): void {
    ext.engineIds.push(engineId);
    this.byEngineId.set(engineId, ext);
    this.orders.set(ext.id, ext);
  }

  private current(ext: ExtOrder): OrderSnapshot | undefined {
    return this.engine.getOrder(ext.productId, { orderId: ext.engineIds[ext.engineIds.length - 1] as number }, ACCOUNT);
  }

  private cancel(b: Json): Json {
    const ids = Array.isArray(b['order_ids']) ? (b['order_ids'] as unknown[]) : [];
    const results = ids.map((raw) => {
      const id = String(raw);
      const ext = this.orders.get(id);
      const cur = ext && this.current(ext);
      if (!ext || !cur || !this.engine.isOpen(ext.productId, cur.orderId)) return { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: id };
      this.engine.cancelOrder(ACCOUNT, ext.productId, { orderId: cur.orderId });
      return { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: id };
    });
    return { results };
  }

  private edit(b: Json): Json {
    const ext = this.orders.get(String(b['order_id']));
    const cur = ext && this.current(ext);
    const failed = (reason: string): Json => ({ success: false, errors: [{ edit_failure_reason: reason, preview_failure_reason: 'UNKNOWN_PREVIEW_FAILURE_REASON' }] });
    if (!ext || !cur || !this.engine.isOpen(ext.productId, cur.orderId)) return failed('ORDER_NOT_FOUND');
    if (ext.type !== 'LIMIT' || ext.tif !== 'GOOD_UNTIL_CANCELLED') return failed('CANNOT_EDIT_TO_BELOW_FILLED_SIZE');
    const filled = this.filledSteps(ext);
    const info = this.engine.market(ext.productId);
    const size = Number(b['size']);
    const remaining = size - info.qtyNumber(filled);
    if (!(remaining > 0)) return failed('CANNOT_EDIT_TO_BELOW_FILLED_SIZE');
    this.replacing.add(cur.orderId);
    // the new engine order's first events belong to this order; the config changes first so they say so
    const key0 = Object.keys(ext.config)[0] as string;
    const oldConfig = ext.config;
    ext.config = { [key0]: { ...ext.config[key0], base_size: String(b['size']), limit_price: String(b['price']) } };
    this.placing = ext;
    try {
      const r = this.engine.amendOrder(ACCOUNT, ext.productId, { orderId: cur.orderId }, { price: String(b['price']), quantity: trimDecimal(remaining.toFixed(info.stepDecimals)) });
      if (!ext.engineIds.includes(r.placed.order.orderId)) this.track(ext, r.placed.order.orderId);
      const key = Object.keys(ext.config)[0] as string;
      ext.config = { [key]: { ...ext.config[key], base_size: String(b['size']), limit_price: String(b['price']) } };
      this.push(ext, 'update');
    } catch (err) {
      ext.config = oldConfig;
      if (!(err instanceof EngineError)) throw err;
      return failed(failureReason(err.reason));
    } finally {
      this.placing = undefined;
      this.replacing.delete(cur.orderId);
    }
    return { success: true, errors: [] };
  }

  private filledSteps(ext: ExtOrder): number {
    let n = 0;
    for (const id of ext.engineIds) n += this.engine.getOrder(ext.productId, { orderId: id }, ACCOUNT)?.executedQty ?? 0;
    return n;
  }

  private ownTrades(ext: ExtOrder): OwnTrade[] {
    const ids = new Set(ext.engineIds);
    return this.engine.myTrades(ACCOUNT, ext.productId).filter((t) => ids.has(t.orderId));
  }

  /** The state of an order across its engine orders. */
  private state(ext: ExtOrder): { status: string; filled: number; leaves: number; value: bigint; fees: bigint; fills: number; last: number | undefined; size: number; filledSteps: number; leavesSteps: number } {
    const cur = this.current(ext);
    const info = this.engine.market(ext.productId);
    const trades = this.ownTrades(ext);
    const filled = this.filledSteps(ext);
    let value = 0n;
    let fees = 0n;
    for (const t of trades) {
      value += t.quote;
      fees += this.feeOf(t);
    }
    const open = cur !== undefined && this.engine.isOpen(ext.productId, cur.orderId);
    const status = !cur ? 'FAILED' : open ? 'OPEN' : cur.status === 'FILLED' ? 'FILLED' : ext.expired ? 'EXPIRED' : cur.status === 'CANCELED' ? 'CANCELLED' : cur.status === 'EXPIRED' ? (filled > 0 ? 'CANCELLED' : 'EXPIRED') : cur.status === 'REJECTED' ? 'FAILED' : 'OPEN';
    const leaves = open && cur ? cur.origQty - cur.executedQty : 0;
    const base = Number((Object.values(ext.config)[0] ?? {})['base_size']);
    // the size asked for (an order sized in quote: what filled plus what is left)
    const size = Number.isFinite(base) && base > 0 ? base : info.qtyNumber(filled + leaves);
    return { status, filled: info.qtyNumber(filled), leaves: info.qtyNumber(leaves), value, fees, fills: trades.length, last: trades[trades.length - 1]?.time, size, filledSteps: filled, leavesSteps: leaves };
  }

  private restOrder(ext: ExtOrder): Json {
    const s = this.state(ext);
    const info = this.engine.market(ext.productId);
    const avg = s.filled > 0 ? Number(dec(s.value)) / s.filled : 0;
    return {
      order_id: ext.id,
      product_id: ext.productId,
      user_id: 'sim',
      order_configuration: ext.config,
      side: ext.side,
      client_order_id: ext.cid,
      status: s.status,
      time_in_force: ext.tif,
      created_time: new Date(ext.created).toISOString(),
      completion_percentage: s.size > 0 ? String(Math.round((s.filled / s.size) * 100)) : '0',
      filled_size: sz(info, s.filledSteps),
      average_filled_price: s.filled > 0 ? String(avg) : '0',
      number_of_fills: String(s.fills),
      filled_value: dec(s.value),
      pending_cancel: false,
      size_in_quote: false,
      total_fees: dec(s.fees),
      total_value_after_fees: dec(ext.side === 'BUY' ? s.value + s.fees : s.value - s.fees),
      order_type: ext.type,
      reject_reason: '',
      settled: s.status !== 'OPEN',
      product_type: 'SPOT',
      last_fill_time: s.last !== undefined ? new Date(s.last).toISOString() : null,
      post_only: ext.postOnly,
    };
  }

  private list(q: URLSearchParams): Json {
    const status = q.getAll('order_status').flatMap((x) => x.split(','));
    const pids = q.getAll('product_ids').flatMap((x) => x.split(','));
    const since = q.get('start_date') ? Date.parse(q.get('start_date') as string) : undefined;
    const limit = Number(q.get('limit') || 1000);
    let list = [...this.orders.values()];
    if (pids.length) list = list.filter((o) => pids.includes(o.productId));
    if (since !== undefined) list = list.filter((o) => o.created >= since);
    let rows = list.map((o) => this.restOrder(o));
    if (status.length) rows = rows.filter((r) => status.includes(r['status'] as string));
    // newest first
    rows.reverse();
    return { orders: rows.slice(0, limit), sequence: '0', has_next: false, cursor: '' };
  }

  private fills(q: URLSearchParams): Json {
    const oids = q.getAll('order_ids').flatMap((x) => x.split(','));
    const pids = q.getAll('product_ids').flatMap((x) => x.split(','));
    const since = q.get('start_sequence_timestamp') ? Date.parse(q.get('start_sequence_timestamp') as string) : undefined;
    const out: Json[] = [];
    for (const ext of this.orders.values()) {
      if (oids.length && !oids.includes(ext.id)) continue;
      if (pids.length && !pids.includes(ext.productId)) continue;
      const info = this.engine.market(ext.productId);
      for (const t of this.ownTrades(ext)) {
        if (since !== undefined && t.time < since) continue;
        out.push({
          entry_id: `${t.tradeId}-${t.orderId}`,
          trade_id: String(t.tradeId),
          order_id: ext.id,
          trade_time: new Date(t.time).toISOString(),
          trade_type: 'FILL',
          price: px(info, t.price),
          size: sz(info, t.qty),
          commission: dec(this.feeOf(t)),
          product_id: ext.productId,
          sequence_timestamp: new Date(t.time).toISOString(),
          liquidity_indicator: t.isMaker ? 'MAKER' : 'TAKER',
          size_in_quote: false,
          user_id: 'sim',
          side: ext.side,
        });
      }
    }
    out.sort((a, b) => Date.parse(b['trade_time'] as string) - Date.parse(a['trade_time'] as string));
    return { fills: out, cursor: '' };
  }

  // ---------------------------------------------------------------- the user channel

  /** A `user` channel order. */
  private wsOrder(ext: ExtOrder): Json {
    const s = this.state(ext);
    const info = this.engine.market(ext.productId);
    const cfg = Object.values(ext.config)[0] ?? {};
    return {
      avg_price: s.filled > 0 ? String(Number(dec(s.value)) / s.filled) : '0',
      cancel_reason: '',
      client_order_id: ext.cid,
      completion_percentage: s.size > 0 ? String(Math.round((s.filled / s.size) * 100)) : '0',
      creation_time: new Date(ext.created).toISOString(),
      cumulative_quantity: sz(info, s.filledSteps),
      filled_value: dec(s.value),
      leaves_quantity: sz(info, s.leavesSteps),
      limit_price: cfg['limit_price'] !== undefined ? String(cfg['limit_price']) : '0',
      number_of_fills: String(s.fills),
      order_id: ext.id,
      order_side: ext.side,
      order_type: ext.type === 'MARKET' ? 'Market' : 'Limit',
      outstanding_hold_amount: '0',
      post_only: ext.postOnly ? 'true' : 'false',
      product_id: ext.productId,
      product_type: 'SPOT',
      reject_reason: '',
      retail_portfolio_id: 'sim',
      status: s.status,
      time_in_force: ext.tif,
      total_fees: dec(s.fees),
      // a buyer pays the fees on top, a seller receives the value less them
      total_value_after_fees: dec(ext.side === 'BUY' ? s.value + s.fees : s.value - s.fees),
      trigger_status: 'INVALID_ORDER_TYPE',
      ...(ext.endTime !== undefined ? { end_time: new Date(ext.endTime).toISOString() } : {}),
    };
  }

  private push(ext: ExtOrder, type: 'snapshot' | 'update'): void {
    if (ext.id === '') return;
    const lost = this.skip.delete(ext.productId);
    const events = [{ type, orders: [this.wsOrder(ext)] }];
    for (const c of this.conns()) {
      if (!c.subs.has('user')) continue;
      if (lost) c.lose('user');
      else c.emit('user', events, this.now());
    }
  }

  /** The next user-channel message about `productId` is lost (the skipSequence fault). */
  skipNext(productId: string): void {
    this.skip.add(productId);
  }

  /** After a `user` subscribe: the open orders in batches of 50; a batch of fewer ends them. */
  snapshot(c: CoinbaseConn): void {
    const open = [...this.orders.values()].filter((o) => this.state(o).status === 'OPEN').map((o) => this.wsOrder(o));
    for (let i = 0; ; i += 50) {
      const batch = open.slice(i, i + 50);
      c.emit('user', [{ type: 'snapshot', orders: batch, positions: {} }], this.now());
      if (batch.length < 50) break;
    }
  }
}

/**
 * "GET /api/v3/brokerage/accounts" of a uri claim "GET api.coinbase.com/api/v3/brokerage/accounts":
 * the method and the path must be the request's; the host may be this server's or the production
 * one, which a client pointed at the simulator may still sign for (some also keep the scheme of the
 * overridden URL: "GET http://127.0.0.1:9000/...").
 */
function methodAndPath(uri: string): string {
  const sp = uri.indexOf(' ');
  if (sp < 0) return '';
  const target = uri.slice(sp + 1).replace(/^[a-z]+:\/\//i, '');
  const slash = target.indexOf('/');
  return `${uri.slice(0, sp)} ${slash >= 0 ? target.slice(slash) : ''}`;
}

/** Engine refusals -> Coinbase failure reasons. */
function failureReason(reason: string): string {
  switch (reason) {
    case 'INSUFFICIENT_BALANCE':
      return 'INSUFFICIENT_FUND';
    case 'WOULD_TAKE':
      return 'INVALID_LIMIT_PRICE_POST_ONLY';
    case 'BAD_PRECISION':
    case 'LOT_SIZE':
      return 'INVALID_SIZE_PRECISION';
    case 'PRICE_FILTER':
      return 'INVALID_PRICE_PRECISION';
    case 'UNKNOWN_ORDER':
      return 'ORDER_NOT_FOUND';
    default:
      return 'UNKNOWN_FAILURE_REASON';
  }
}
