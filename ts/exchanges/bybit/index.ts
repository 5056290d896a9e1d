export { bybitAdapter, BybitOptions } from './adapter';
