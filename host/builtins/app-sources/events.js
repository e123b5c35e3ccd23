// @ts-check
import { PassThrough } from 'node:stream';

/**
 * Server-sent events to open admin apps. Each client is a koa response stream; a comment line
 * every 15 s keeps proxies from closing idle connections.
 */
export function createEventHub(keepAliveMs = 15_000) {
  /** @type {Set<PassThrough>} */
  const clients = new Set();
  let seq = 0;
  const ping = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, keepAliveMs);
  ping.unref();

  return {
    /** Turns a koa context into an event stream; `hello` is sent first. */
    attach(/** @type {any} */ ctx, /** @type {unknown} */ hello) {
      const stream = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      ctx.status = 200;
      ctx.body = stream;
      clients.add(stream);
      const drop = () => {
        clients.delete(stream);
        stream.end();
      };
      ctx.req.on('close', drop);
      stream.on('error', drop);
      stream.write(`retry: 1000\nid: ${++seq}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    },
    send(/** @type {string} */ event, /** @type {unknown} */ data) {
      const frame = `id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const c of clients) c.write(frame);
    },
    size: () => clients.size,
    close() {
      clearInterval(ping);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
