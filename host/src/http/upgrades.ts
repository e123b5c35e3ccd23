import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Takes over an HTTP upgrade request (a WebSocket handshake) for one path. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Entry {
  handler: UpgradeHandler;
  owner: string;
  /** Ends the connections the handler took over (the host is closing). */
  close?: () => Promise<void> | void;
}

/** Answers an upgrade request it will not take with `status` (`'404 Not Found'`) and closes its socket. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * The HTTP server's upgrade requests by path, as the mounts are its routes: the core answers
 * none itself; a built-in (the realtime API) or another trusted extension registers its path.
 * A request for a path nobody registered gets 404 and its socket is closed.
 */
export function createUpgrades() {
  const byPath = new Map<string, Entry>();

  return {
    /** Registers `path`; returns the disposer. A path has one owner at a time. */
    add(path: string, handler: UpgradeHandler, owner: string, options: { close?: Entry['close'] } = {}): () => void {
      if (byPath.has(path)) throw new Error(`the upgrade path ${path} is already taken by ${byPath.get(path)!.owner}`);
      const entry: Entry = { handler, owner, close: options.close };
      byPath.set(path, entry);
      return () => {
        if (byPath.get(path) === entry) byPath.delete(path);
      };
    },

    /** The server's `upgrade` listener. */
    handle(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      // A socket error before a handler attached its own must not become an uncaught exception.
      socket.on('error', () => socket.destroy());
      let pathname: string;
      try {
        pathname = new URL(request.url ?? '/', 'http://host').pathname;
      } catch {
        return refuseUpgrade(socket, '400 Bad Request');
      }
      const entry = byPath.get(pathname);
      if (!entry) return refuseUpgrade(socket, '404 Not Found');
      try {
        entry.handler(request, socket, head);
      } catch {
        refuseUpgrade(socket, '500 Internal Server Error');
      }
    },

    /** Ends every registered handler's connections (the host closes its server next). */
    async close(): Promise<void> {
      await Promise.all([...byPath.values()].map(async (e) => e.close?.()));
    },
  };
}

export type Upgrades = ReturnType<typeof createUpgrades>;
