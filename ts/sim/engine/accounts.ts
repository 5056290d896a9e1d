/**
 * Per-account balances (free / locked, exact 10^-16 units) and fee settings. Tracks which assets
 * changed during the current engine operation so the engine can report them once at its end.
 */
import { AccountOptions, BalanceEntry, EngineError } from './types';

interface Wallet {
  free: bigint;
  locked: bigint;
}

export class Account {
  readonly id: string;
  readonly unlimited: boolean;
  readonly track: boolean;
  makerFeePpm: number;
  takerFeePpm: number;
  updateTime = 0;
  private readonly wallets = new Map<string, Wallet>();
  /** Assets touched since the last drain. */
  private readonly dirty = new Set<string>();

  constructor(id: string, opts: AccountOptions = {}) {
    this.id = id;
    this.unlimited = opts.unlimited ?? false;
    this.track = opts.track ?? !this.unlimited;
    this.makerFeePpm = opts.makerFeePpm ?? 1000;
    this.takerFeePpm = opts.takerFeePpm ?? 1000;
  }

  private wallet(asset: string): Wallet {
    let w = this.wallets.get(asset);
    if (!w) {
      w = { free: 0n, locked: 0n };
      this.wallets.set(asset, w);
    }
    return w;
  }

  free(asset: string): bigint {
    return this.wallets.get(asset)?.free ?? 0n;
  }

  locked(asset: string): bigint {
    return this.wallets.get(asset)?.locked ?? 0n;
  }

  /** Adds (or with a negative amount removes) free balance. */
  credit(asset: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const w = this.wallet(asset);
    if (w.free + amount < 0n) throw new EngineError('INSUFFICIENT_BALANCE', `insufficient ${asset}`);
    w.free += amount;
    this.dirty.add(asset);
  }

  /** Moves free -> locked; throws INSUFFICIENT_BALANCE. */
  lock(asset: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const w = this.wallet(asset);
    if (w.free < amount) throw new EngineError('INSUFFICIENT_BALANCE', `insufficient ${asset}`);
    w.free -= amount;
    w.locked += amount;
    this.dirty.add(asset);
  }

  /** Moves locked -> free. */
  unlock(asset: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const w = this.wallet(asset);
    w.locked -= amount;
    w.free += amount;
    this.dirty.add(asset);
  }

  /** Removes locked balance (it was spent). */
  spendLocked(asset: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const w = this.wallet(asset);
    w.locked -= amount;
    this.dirty.add(asset);
  }

  hasChanges(): boolean {
    return this.dirty.size > 0;
  }

  /** Balances touched since the last call, and forget them. */
  drainChanges(): BalanceEntry[] {
    const out: BalanceEntry[] = [];
    for (const asset of this.dirty) {
      const w = this.wallet(asset);
      out.push({ asset, free: w.free, locked: w.locked });
    }
    this.dirty.clear();
    return out;
  }

  /** Every asset the account has ever held. */
  balances(): BalanceEntry[] {
    const out: BalanceEntry[] = [];
    for (const [asset, w] of this.wallets) out.push({ asset, free: w.free, locked: w.locked });
    return out;
  }
}
