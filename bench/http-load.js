// A lean HTTP/1.1 load generator: N keep-alive connections, one request in flight on each, for a
// fixed time. It parses only what it needs (status line, Content-Length or chunked framing), so
// it costs the shared cores a fraction of what Node's http client does: on a 2-vCPU machine the
// generator competes with the host it measures, and a heavy one hides the host's real capacity.
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNK_END = Buffer.from('0\r\n\r\n');

/**
 * Where the first response in `buf` ends and its status, or null if it is not complete yet.
 * Throws on a response it cannot frame (no length, no chunking: the test endpoint must not do that).
 */
export function frameResponse(buf) {
  const head = buf.indexOf(HEADER_END);
  if (head < 0) return null;
  const header = buf.toString('latin1', 0, head);
  const status = Number(header.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(header);
  if (length) {
    const end = head + 4 + Number(length[1]);
    return buf.length >= end ? { end, status } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(header)) {
    const last = buf.indexOf(CHUNK_END, head + 4);
    return last < 0 ? null : { end: last + CHUNK_END.length, status };
  }
  if (status === 204 || status === 304) return { end: head + 4, status };
  throw new Error(`cannot frame a response without Content-Length or chunking (status ${status})`);
}

/**
 * Load `url` with `connections` keep-alive connections for `seconds`: { rps, ok, inWindow, failed }.
 * `rps` counts only responses that arrived within the window (`inWindow`), over the window's length;
 * `ok` also counts the in-flight responses drained after it (every answer is still checked).
 */
export function load(url, { connections = 32, seconds = 2 } = {}) {
  const { hostname, port, pathname, search, host } = new URL(url);
  const request = Buffer.from(
    `GET ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: annex-bench\r\nAccept: */*\r\n\r\n`,
  );
  const started = performance.now();
  const until = started + seconds * 1000;
  let ok = 0;
  let inWindow = 0;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
      let buf = Buffer.alloc(0);
      const send = () => {
        if (performance.now() >= until) return socket.end(resolve);
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          let framed;
          try {
            framed = frameResponse(buf);
          } catch {
            failed++;
            return socket.destroy();
          }
          if (!framed) return;
          if (framed.status === 200) {
            ok++;
            if (performance.now() <= until) inWindow++;
          } else failed++;
          buf = buf.subarray(framed.end);
          send();
        }
      });
      socket.on('error', () => {
        failed++;
        resolve();
      });
      socket.on('close', resolve);
    });
  return Promise.all(Array.from({ length: connections }, one)).then(() => ({
    rps: inWindow / seconds,
    ok,
    inWindow,
    failed,
  }));
}
