/**
 * A TCP proxy on 127.0.0.1 that sends each connection's answers at `bytesPerSecond`, as
 * a link of that speed would, with no burst beyond a few 16 KiB pieces. nginx's limit_rate
 * allows rate × (whole seconds since the request began + 1), so any answer under a
 * second's worth (12.5 MB at 100 Mbit/s) left at loopback speed: a 1 MiB range read took
 * 15 ms where the link takes 84. Requests go upstream unpaced.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const PIECE = 16 * 1024;
/** Credit an idle link keeps, in pieces: enough to make up for timers firing late. */
const BURST_PIECES = 4;

export interface PacedProxy {
  port: number;
  stop(): Promise<void>;
}

async function pace(from: Socket, to: Socket, bytesPerSecond: number): Promise<void> {
  // When the link is free again; idle time earns no more than BURST_PIECES of credit.
  const burstMs = (BURST_PIECES * PIECE * 1000) / bytesPerSecond;
  let free = performance.now();
  for await (const chunk of from as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; at += PIECE) {
      const piece = chunk.subarray(at, at + PIECE);
      free = Math.max(free, performance.now() - burstMs) + (piece.length * 1000) / bytesPerSecond;
      const wait = free - performance.now();
      if (wait > 1) await sleep(wait);
      if (!to.write(piece)) await once(to, 'drain');
    }
  }
  to.end();
}

export async function startPacedProxy(upstreamPort: number, bytesPerSecond: number): Promise<PacedProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      // As nginx and the registry do: with Nagle's algorithm, a paced piece smaller than
      // a segment waited for the peer's delayed ACK (~40 ms stalls).
      s.setNoDelay(true);
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    pace(upstream, client, bytesPerSecond).catch(() => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
