/**
 * The symbol catalogs' shared step: a unified symbol ('btc/usdt') split into upper-case base and
 * quote, and its trading rules: the exchange's published rules where the simulator knows the pair,
 * else generic rules for a fiat-like or a crypto quote.
 */

export interface RuleBook<R> {
  known: Record<string, R>;
  /** Quotes that get `fiat` rules; any other quote gets `other`. */
  fiatQuotes: ReadonlySet<string>;
  fiat: R;
  other: R;
}

export function unifiedSymbol<R>(symbol: string, book: RuleBook<R>, example = 'BTC/USDT'): { base: string; quote: string; unified: string; rules: R } {
  const parts = symbol.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new RangeError(`simulator symbols are unified, like '${example}' (got '${symbol}')`);
  }
  const base = parts[0].toUpperCase();
  const quote = parts[1].toUpperCase();
  const unified = `${base}/${quote}`;
  const rules = book.known[unified] ?? (book.fiatQuotes.has(quote) ? book.fiat : book.other);
  return { base, quote, unified, rules };
}
