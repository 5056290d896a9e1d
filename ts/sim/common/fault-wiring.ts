/**
 * The fault wiring every market simulator repeats: MarketFaults bound to its socket server and
 * feed, and the SocketGate that withholds frames and pongs while silenced (counting them).
 */
import { MarketFaults, pathMatches } from './faults';
import type { SimRuntime } from './runtime';
import type { SimSocket, SocketGate, SocketServer } from './ws-server';

export interface FaultWiring<C extends SimSocket> {
  /** Resolved lazily: the socket server is built after the gate it needs. */
  server: () => SocketServer<C>;
  runtime: SimRuntime;
  skipSequence: (symbol: string) => void;
  corruptChecksum: (symbol: string) => void;
  /** Restarts a book's sequence numbers (simulators whose books have them). */
  resetSequence?: (symbol: string) => void;
  /** A truncated frame of this protocol, sent by malformedFrame() by default. */
  malformedSample: string;
}

export function wireFaults<C extends SimSocket>(w: FaultWiring<C>): { faults: MarketFaults; gate: SocketGate } {
  let silenced = false;
  const faults = new MarketFaults(
    {
      drop: (f) => w.server().drop((c) => pathMatches(f, c.path)),
      skipSequence: w.skipSequence,
      corruptChecksum: w.corruptChecksum,
      resetSequence: w.resetSequence,
      malformed: (text) => w.server().broadcast(text),
      setSilenced: (on) => {
        silenced = on;
      },
      setTimer: (ms, fn) => w.runtime.later(ms, fn),
    },
    w.malformedSample,
  );
  const gate: SocketGate = {
    now: () => Date.now(),
    silenced: () => silenced,
    withheld: (what) => {
      if (what === 'pong') faults.withheld.pongs++;
      else faults.withheld.frames++;
    },
  };
  return { faults, gate };
}
