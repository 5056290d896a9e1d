export { okxAdapter, OkxOptions } from './adapter';
