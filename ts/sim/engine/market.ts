/**
 * One market's trading rules and its exact conversions between decimal strings, tick/step
 * counts and 10^-16 asset units.
 */
import { ASSET_SCALE, formatScaled, parseDecimal, parseScaled, toDecimalString } from './decimal';
import { EngineError, MarketConfig } from './types';

export class MarketInfo {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly config: MarketConfig;
  readonly tickDecimals: number;
  readonly stepDecimals: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** Tick size as a count of 10^-tickDecimals. */
  private readonly tickMant: bigint;
  private readonly stepMant: bigint;
  /** 10^-16 units of base per step. */
  readonly unitsPerStep: bigint;
  /** 10^-16 units of quote for one tick times one step. */
  readonly unitsPerTickStep: bigint;
  readonly minQtySteps: number;
  readonly maxQtySteps: number;
  readonly minPriceTicks: number;
  readonly maxPriceTicks: number;
  /** Minimum notional (10^-16 quote units), 0 if none. */
  readonly minNotional: bigint;
  readonly maxNotional: bigint;

  constructor(config: MarketConfig) {
    this.config = config;
    this.symbol = config.symbol;
    this.base = config.base;
    this.quote = config.quote;
    const tick = parseDecimal(config.tickSize);
    const step = parseDecimal(config.stepSize);
    if (!tick || tick.mant <= 0n) throw new RangeError(`${config.symbol}: bad tickSize ${config.tickSize}`);
    if (!step || step.mant <= 0n) throw new RangeError(`${config.symbol}: bad stepSize ${config.stepSize}`);
    if (tick.dec + step.dec > ASSET_SCALE) throw new RangeError(`${config.symbol}: tick and step too fine`);
    this.tickDecimals = tick.dec;
    this.stepDecimals = step.dec;
    this.tickMant = tick.mant;
    this.stepMant = step.mant;
    this.priceDecimals = config.priceDecimals ?? tick.dec;
    this.qtyDecimals = config.qtyDecimals ?? step.dec;
    this.unitsPerStep = step.mant * 10n ** BigInt(ASSET_SCALE - step.dec);
    this.unitsPerTickStep = tick.mant * step.mant * 10n ** BigInt(ASSET_SCALE - tick.dec - step.dec);
    this.minQtySteps = config.minQty ? Math.max(1, this.ceilSteps(config.minQty)) : 1;
    this.maxQtySteps = config.maxQty ? this.floorSteps(config.maxQty) : Number.MAX_SAFE_INTEGER;
    this.minPriceTicks = config.minPrice ? Math.max(1, this.ceilTicks(config.minPrice)) : 1;
    this.maxPriceTicks = config.maxPrice ? this.floorTicks(config.maxPrice) : Number.MAX_SAFE_INTEGER;
    this.minNotional = config.minNotional ? (parseScaled(config.minNotional, ASSET_SCALE) ?? 0n) : 0n;
    this.maxNotional = config.maxNotional ? (parseScaled(config.maxNotional, ASSET_SCALE) ?? 0n) : 0n;
  }

  /** Price string -> ticks; throws BAD_PRECISION / PRICE_FILTER. */
  priceToTicks(input: string | number, field = 'price'): number {
    const ticks = this.toCount(toDecimalString(input), this.tickDecimals, this.tickMant, field, 'PRICE_FILTER');
    if (ticks < this.minPriceTicks || ticks > this.maxPriceTicks) {
      throw new EngineError('PRICE_FILTER', 'price outside the allowed range', field);
    }
    return ticks;
  }

  /** Quantity string -> steps; throws BAD_PRECISION / LOT_SIZE. */
  qtyToSteps(input: string | number, field = 'quantity'): number {
    const steps = this.toCount(toDecimalString(input), this.stepDecimals, this.stepMant, field, 'LOT_SIZE');
    if (steps < this.minQtySteps || steps > this.maxQtySteps) {
      throw new EngineError('LOT_SIZE', 'quantity outside the allowed range', field);
    }
    return steps;
  }

  /** Any decimal amount string -> 10^-16 units (throws BAD_PRECISION). */
  amountToUnits(input: string | number, field: string): bigint {
    const text = toDecimalString(input);
    const v = parseScaled(text, ASSET_SCALE);
    if (v === undefined) {
      throw new EngineError(parseDecimal(text) ? 'BAD_PRECISION' : 'INVALID_PARAMETER', `bad ${field}`, field);
    }
    return v;
  }

  /** Quote value of `steps` at `ticks` (10^-16 units). */
  notional(ticks: number, steps: number): bigint {
    return BigInt(ticks) * BigInt(steps) * this.unitsPerTickStep;
  }

  /** Base value of `steps` (10^-16 units). */
  baseUnits(steps: number): bigint {
    return BigInt(steps) * this.unitsPerStep;
  }

  formatPrice(ticks: number, decimals = this.priceDecimals): string {
    return formatScaled(BigInt(ticks) * this.tickMant, this.tickDecimals, decimals);
  }

  formatQty(steps: number, decimals = this.qtyDecimals): string {
    return formatScaled(BigInt(steps) * this.stepMant, this.stepDecimals, decimals);
  }

  /** Price as a JS number (for summaries only, never for arithmetic). */
  priceNumber(ticks: number): number {
    return Number(this.formatPrice(ticks, this.tickDecimals));
  }

  qtyNumber(steps: number): number {
    return Number(this.formatQty(steps, this.stepDecimals));
  }

  /** Ticks nearest to a decimal price (rounding down), for seeding and tests. */
  floorTicks(input: string | number): number {
    return this.roundCount(toDecimalString(input), this.tickDecimals, this.tickMant, false);
  }

  ceilTicks(input: string | number): number {
    return this.roundCount(toDecimalString(input), this.tickDecimals, this.tickMant, true);
  }

  floorSteps(input: string | number): number {
    return this.roundCount(toDecimalString(input), this.stepDecimals, this.stepMant, false);
  }

  ceilSteps(input: string | number): number {
    return this.roundCount(toDecimalString(input), this.stepDecimals, this.stepMant, true);
  }

  private toCount(
    text: string,
    dec: number,
    mant: bigint,
    field: string,
    filter: 'PRICE_FILTER' | 'LOT_SIZE',
  ): number {
    const d = parseDecimal(text);
    if (!d) throw new EngineError('INVALID_PARAMETER', `malformed ${field}`, field);
    if (d.dec > dec) {
      if (d.dec > 8) throw new EngineError('BAD_PRECISION', `${field} has too much precision`, field);
      throw new EngineError(filter, `${field} is not a multiple of the ${filter === 'LOT_SIZE' ? 'step' : 'tick'}`, field);
    }
    const scaled = d.mant * 10n ** BigInt(dec - d.dec);
    if (scaled % mant !== 0n) {
      throw new EngineError(filter, `${field} is not a multiple of the ${filter === 'LOT_SIZE' ? 'step' : 'tick'}`, field);
    }
    const count = scaled / mant;
    if (count > BigInt(Number.MAX_SAFE_INTEGER)) throw new EngineError(filter, `${field} too large`, field);
    return Number(count);
  }

  private roundCount(text: string, dec: number, mant: bigint, up: boolean): number {
    const d = parseDecimal(text);
    if (!d) throw new RangeError(`malformed decimal ${text}`);
    const scale = Math.max(dec, d.dec);
    const value = d.mant * 10n ** BigInt(scale - d.dec);
    const unit = mant * 10n ** BigInt(scale - dec);
    let q = value / unit;
    if (up && q * unit < value) q += 1n;
    return Number(q);
  }
}
