/** The exchange-agnostic matching engine and synthetic order flow shared by every simulator. */
export { MatchingEngine } from './engine';
export type { DepthSnapshot, EngineOptions } from './engine';
export { MarketInfo } from './market';
export { Account } from './accounts';
export { BookSide, Level } from './book';
export type { RestingOrder } from './book';
export type { Order } from './order';
export { OrderFlow } from './flow';
export type { FlowMarket, FlowOptions } from './flow';
export { Prng } from './prng';
export { ASSET_SCALE, formatScaled, parseScaled, parseDecimal, toDecimalString } from './decimal';
export * from './types';
