// @ts-check
import { PassThrough } from 'node:stream';

/**
 * Server-sent events to open admin apps. Each client is a koa response stream; a comment line
 * every 15 s keeps proxies from closing idle connections.
 */
export function createEventHub(keepAliveMs = 15_000) {
  /** Each open stream with who opened it (events can be limited to what that caller may see). @type {Map<PassThrough, unknown>} */
  const clients = new Map();
  let seq = 0;
  const ping = setInterval(() => {
    for (const c of clients.keys()) c.write(': ping\n\n');
  }, keepAliveMs);
  ping.unref();

  return {
    /** Turns a koa context into an event stream; `hello` is sent first. `viewer` is who reads it. */
    attach(/** @type {any} */ ctx, /** @type {unknown} */ hello, /** @type {unknown} */ viewer = null) {
      const stream = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      ctx.status = 200;
      ctx.body = stream;
      clients.set(stream, viewer);
      const drop = () => {
        clients.delete(stream);
        stream.end();
      };
      ctx.req.on('close', drop);
      stream.on('error', drop);
      stream.write(`retry: 1000\nid: ${++seq}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    },
    /**
     * Sends `data` to every client, or, with `forViewer`, what it returns for each client's viewer
     * (undefined: nothing for that one).
     */
    send(
      /** @type {string} */ event,
      /** @type {unknown} */ data,
      /** @type {((viewer: any) => unknown) | undefined} */ forViewer = undefined,
    ) {
      const id = ++seq;
      const frame = (/** @type {unknown} */ d) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(d)}\n\n`;
      const shared = forViewer ? undefined : frame(data);
      for (const [c, viewer] of clients) {
        if (shared !== undefined) c.write(shared);
        else {
          const own = forViewer?.(viewer);
          if (own !== undefined) c.write(frame(own));
        }
      }
    },
    size: () => clients.size,
    close() {
      clearInterval(ping);
      for (const c of clients.keys()) c.end();
      clients.clear();
    },
  };
}
