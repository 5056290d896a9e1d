'use strict';
const assert = require('assert');
const { EventEmitter } = require('events');
const { Screen, frameBytes, terminalSize } = require('../js/cli/screen');
const { RateMeter, wantColor, wantColorOnce } = require('../js/cli/watch');

function fakeTerminal({ columns = 40, rows = 10 } = {}) {
  const out = new EventEmitter();
  out.isTTY = true;
  out.columns = columns;
  out.rows = rows;
  out.written = [];
  out.write = (s) => {
    out.written.push(s);
    return true;
  };
  const input = new EventEmitter();
  input.isTTY = true;
  input.raw = [];
  input.setRawMode = (on) => input.raw.push(on);
  input.resume = () => {};
  input.pause = () => {};
  return { out, input };
}

describe('cli screen', () => {
  it('frames start at the cursor home and erase only what the new frame does not cover', () => {
    const s = frameBytes(['abc', 'abcdefghij', ''], 10);
    assert.ok(s.includes('\x1b[H'), 'cursor home');
    assert.ok(!s.includes('\x1b[2J'), 'no full clear per frame (flicker)');
    const body = s.slice(s.indexOf('\x1b[H') + 3, s.lastIndexOf('\x1b[J'));
    assert.deepStrictEqual(body.split('\r\n'), ['abc\x1b[K', 'abcdefghij', '\x1b[K'], 'a full-width line is not erased (that would eat its last cell)');
    assert.ok(s.indexOf('\x1b[J') > s.lastIndexOf('\r\n'), 'erases below the frame');
  });

  it('uses the alternate screen and raw keys, and restores the terminal on leave', () => {
    const { out, input } = fakeTerminal();
    const quits = [];
    const screen = new Screen(out, input, { onQuit: (k) => quits.push(k) });
    screen.enter();
    assert.match(out.written.join(''), /\x1b\[\?1049h/);
    assert.match(out.written.join(''), /\x1b\[\?25l/);
    assert.deepStrictEqual(input.raw, [true]);
    screen.draw(['hello']);
    assert.match(out.written[out.written.length - 1], /hello/);
    input.emit('data', Buffer.from('x'));
    input.emit('data', Buffer.from('q'));
    input.emit('data', '\x03');
    assert.deepStrictEqual(quits, ['q', '\x03']);
    screen.leave();
    screen.leave(); // idempotent
    const tail = out.written[out.written.length - 1];
    assert.match(tail, /\x1b\[\?25h/);
    assert.match(tail, /\x1b\[\?1049l/);
    assert.strictEqual(out.written.filter((w) => w.includes('\x1b[?1049l')).length, 1);
    assert.deepStrictEqual(input.raw, [true, false]);
    assert.strictEqual(input.listenerCount('data'), 0);
    assert.strictEqual(out.listenerCount('resize'), 0);
    const before = out.written.length;
    screen.draw(['after']);
    assert.strictEqual(out.written.length, before, 'no drawing once the screen is left');
  });

  it('redraws on resize', () => {
    const { out, input } = fakeTerminal();
    let resized = 0;
    const screen = new Screen(out, input, { onResize: () => resized++ });
    screen.enter();
    out.columns = 100;
    out.emit('resize');
    assert.strictEqual(resized, 1);
    assert.deepStrictEqual(screen.size, { columns: 100, rows: 10 });
    screen.leave();
  });

  it('is 80x24 when the output is not a terminal', () => {
    assert.deepStrictEqual(terminalSize({ write() {}, isTTY: false, columns: 200, rows: 60 }), { columns: 80, rows: 24 });
    assert.deepStrictEqual(terminalSize({ write() {}, isTTY: true, columns: 120, rows: 40 }), { columns: 120, rows: 40 });
  });

  it('decides colors from the terminal, NO_COLOR and FORCE_COLOR; --once only when forced', () => {
    const tty = { isTTY: true, write() {} };
    const pipe = { isTTY: false, write() {} };
    assert.strictEqual(wantColor(undefined, tty, {}), true);
    assert.strictEqual(wantColor(undefined, tty, { NO_COLOR: '1' }), false);
    assert.strictEqual(wantColor(undefined, tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.strictEqual(wantColor(undefined, tty, { TERM: 'dumb' }), false);
    assert.strictEqual(wantColor(undefined, pipe, {}), false);
    assert.strictEqual(wantColor(undefined, pipe, { FORCE_COLOR: '1' }), true);
    assert.strictEqual(wantColor(false, tty, {}), false);
    assert.strictEqual(wantColorOnce(undefined, {}), false);
    assert.strictEqual(wantColorOnce(undefined, { FORCE_COLOR: '1' }), true);
    assert.strictEqual(wantColorOnce(true, {}), true);
  });

  it('measures updates per second over a sliding window', () => {
    const m = new RateMeter(2000, 8);
    assert.strictEqual(m.rate(0), 0);
    for (let t = 0; t < 2000; t += 25) m.mark(t); // 40/s
    assert.ok(Math.abs(m.rate(2000) - 40) <= 5, `rate ${m.rate(2000)}`);
    assert.strictEqual(m.rate(10_000), 0, 'old updates leave the window');
  });
});
