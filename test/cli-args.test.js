'use strict';
const assert = require('assert');
const { parseArgs, UsageError } = require('../js/cli/args');

function usageError(argv, pattern) {
  assert.throws(
    () => parseArgs(argv),
    (err) => err instanceof UsageError && err.exitCode === 2 && pattern.test(err.message),
    `${argv.join(' ')} should be a usage error matching ${pattern}`,
  );
}

describe('cli parseArgs', () => {
  it('help and version', () => {
    assert.deepStrictEqual(parseArgs([]), { command: 'help' });
    assert.deepStrictEqual(parseArgs(['--help']), { command: 'help' });
    assert.deepStrictEqual(parseArgs(['-h']), { command: 'help' });
    assert.deepStrictEqual(parseArgs(['help', 'sim']), { command: 'help', topic: 'sim' });
    assert.deepStrictEqual(parseArgs(['watch', '--help']), { command: 'help', topic: 'watch' });
    assert.deepStrictEqual(parseArgs(['--version']), { command: 'version' });
    assert.deepStrictEqual(parseArgs(['-v']), { command: 'version' });
  });

  it('watch with every option, in any order, --opt value and --opt=value', () => {
    assert.deepStrictEqual(parseArgs(['watch', 'binance', 'BTC/USDT']), {
      command: 'watch',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      sim: false,
      once: false,
    });
    assert.deepStrictEqual(parseArgs(['watch', '--sim', 'Binance', '--depth', '5', 'eth/usdt', '--seed=7', '--once', '--no-color']), {
      command: 'watch',
      exchange: 'binance',
      symbol: 'eth/usdt',
      sim: true,
      once: true,
      depth: 5,
      seed: 7,
      color: false,
    });
    const urls = parseArgs(['watch', 'binance', 'BTC/USDT', '--rest', 'http://127.0.0.1:9000/', '--ws=ws://127.0.0.1:9000']);
    assert.strictEqual(urls.rest, 'http://127.0.0.1:9000');
    assert.strictEqual(urls.ws, 'ws://127.0.0.1:9000');
  });

  it('watch errors', () => {
    usageError(['watch'], /exchange and a symbol/);
    usageError(['watch', 'binance'], /exchange and a symbol/);
    usageError(['watch', 'binance', 'BTC/USDT', 'extra'], /unexpected 'extra'/);
    usageError(['watch', 'binance', 'BTC/USDT', '--depth'], /--depth needs a value/);
    usageError(['watch', 'binance', 'BTC/USDT', '--depth', 'ten'], /whole number/);
    usageError(['watch', 'binance', 'BTC/USDT', '--depth', '0'], /between 1 and/);
    usageError(['watch', 'binance', 'BTC/USDT', '--seed', '--sim'], /--seed needs a value/);
    usageError(['watch', 'binance', 'BTC/USDT', '--frobnicate'], /unknown option '--frobnicate'/);
    usageError(['watch', 'binance', 'BTC/USDT', '-x'], /unknown option '-x'/);
    usageError(['watch', 'binance', 'BTC/USDT', '--sim=yes'], /takes no value/);
    usageError(['watch', 'binance', 'BTC/USDT', '--rest', 'localhost:9000'], /--rest/);
    usageError(['watch', 'binance', 'BTC/USDT', '--ws', 'http://localhost:9000'], /ws:\/\//);
    usageError(['watch', 'binance', 'BTC/USDT', '--sim', '--rest', 'http://localhost:9000'], /--sim/);
    usageError(['watch', 'binance', 'BTC/USDT', '--color', '--no-color'], /contradict/);
    usageError(['watch', 'binance', 'BTC/USDT', '--seed', '3'], /with --sim/);
  });

  it('sim with defaults and options', () => {
    assert.deepStrictEqual(parseArgs(['sim', 'binance']), { command: 'sim', exchange: 'binance', port: 9000 });
    assert.deepStrictEqual(parseArgs(['sim', 'binance', '--port', '0', '--seed', '3', '--symbols', 'btc/usdt, ETH/USDT', '--host', '0.0.0.0']), {
      command: 'sim',
      exchange: 'binance',
      port: 0,
      seed: 3,
      symbols: ['BTC/USDT', 'ETH/USDT'],
      host: '0.0.0.0',
    });
  });

  it('sim errors', () => {
    usageError(['sim'], /needs an exchange/);
    usageError(['sim', 'binance', '--port', '70000'], /--port must be between/);
    usageError(['sim', 'binance', '--symbols', 'BTCUSDT'], /'BTCUSDT' is not a symbol/);
    usageError(['sim', 'binance', '--symbols', ','], /comma-separated/);
    usageError(['sim', 'binance', '--depth', '3'], /unknown option '--depth' for sim/);
  });

  it('unknown commands', () => {
    usageError(['wach', 'binance'], /unknown command 'wach'/);
    usageError(['--nope'], /unknown option/);
  });
});
