import fs from 'node:fs';
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import type { Logger } from '../logger.js';
import type { ExtensionManager } from './manager.js';
import type { PackageRecord } from './record.js';

export interface WatcherOptions {
  extensionsPath: string;
  /** Quiet period per extension before it reloads; a batch build coalesces into one reload. */
  debounceMs: number;
  /** Poll instead of file-system events (network and container file systems). */
  polling: boolean;
  logger: Logger;
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Files whose change reloads a package: its package.json and its built entry files. */
function filesOf(rec: PackageRecord): string[] {
  const files = new Set<string>([real(path.join(rec.found.dir, 'package.json'))]);
  for (const unit of rec.desc?.units ?? []) {
    if (unit.entry.api) files.add(real(unit.entry.api));
    if (unit.entry.app) files.add(real(unit.entry.app));
  }
  return [...files];
}

/**
 * Watches local extensions (symlinked folders included, through their real paths) and reloads
 * exactly the extension whose files changed, debounced per extension. Folders added to or removed
 * from EXTENSIONS_PATH activate or deactivate their extension. Returns the stop function.
 */
export async function createExtensionWatcher(manager: ExtensionManager, options: WatcherOptions) {
  const log = options.logger.child({ component: 'watcher' });
  const root = path.resolve(options.extensionsPath);
  const timers = new Map<string, NodeJS.Timeout>();
  let rescanTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const stats = { fileEvents: 0, reloads: 0, unchanged: 0, rescans: 0, lastEventAt: 0 };

  // Watch the folders (not single files): editors and bundlers replace files by rename,
  // which a per-file watch would lose. Linked folders are followed.
  const watcher: FSWatcher = chokidar.watch(root, {
    ignoreInitial: true,
    depth: 4,
    usePolling: options.polling,
    interval: 100,
    followSymlinks: true,
    ignored: (p: string) => {
      const base = path.basename(p);
      return base === 'node_modules' || (p !== root && base.startsWith('.'));
    },
  });

  /** The local package a path belongs to, and whether the file matters to it. */
  function ownerOf(file: string): { rec?: PackageRecord; folder: string; relevant: boolean } | undefined {
    const rel = path.relative(root, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const [folder, ...rest] = rel.split(path.sep);
    const rec = manager.records().find((r) => r.found.source === 'local' && r.found.folder === folder);
    if (rest.length === 1 && rest[0] === 'package.json') return { rec, folder: folder!, relevant: true };
    if (!rec) return { folder: folder!, relevant: false };
    const files = filesOf(rec);
    const inside = path.join(rec.found.dir, ...rest);
    return { rec, folder: folder!, relevant: files.includes(real(inside)) || files.includes(path.resolve(inside)) };
  }

  /**
   * What the files of a package are now (inode, size, mtime of each): a file replaced by rename gets a
   * new inode, an edit in place a new mtime. Compared with the last reload's, it tells a late event
   * about writes that reload already read (on a busy machine the events of one batch of writes can
   * arrive further apart than the debounce) from a new change.
   */
  function fingerprint(rec: PackageRecord): string {
    return filesOf(rec)
      .map((f) => {
        const st = fs.statSync(f, { throwIfNoEntry: false, bigint: true });
        return st ? `${st.ino}:${st.size}:${st.mtimeNs}` : '-';
      })
      .join('|');
  }
  const reloaded = new Map<string, string>();

  function scheduleReload(key: string): void {
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (closed) return;
        const rec = manager.records().find((r) => r.key === key);
        const now = rec ? fingerprint(rec) : undefined;
        if (now !== undefined && reloaded.get(key) === now) {
          stats.unchanged++;
          return;
        }
        if (now !== undefined) reloaded.set(key, now);
        stats.reloads++;
        manager.reload(key).catch((e) => log.error({ err: e, key }, 'reload failed'));
      }, options.debounceMs),
    );
  }

  function scheduleRescan(): void {
    clearTimeout(rescanTimer);
    rescanTimer = setTimeout(
      () => {
        if (closed) return;
        stats.rescans++;
        manager.rescan().catch((e) => log.error({ err: e }, 'rescan failed'));
      },
      Math.max(options.debounceMs, 100),
    );
  }

  const onFile = (file: string) => {
    const owner = ownerOf(file);
    if (!owner?.relevant) return;
    stats.fileEvents++;
    stats.lastEventAt = performance.now();
    if (owner.rec) scheduleReload(owner.rec.key);
    else scheduleRescan();
  };
  watcher.on('change', onFile);
  watcher.on('add', onFile);
  watcher.on('unlink', onFile);
  // chokidar's per-file watch can miss a file replaced by rename twice in quick succession (it
  // re-attaches to the new inode late); the directory's raw event still names the file. Extra
  // events are harmless: reloads are debounced per extension.
  watcher.on('raw', (event, name, opts) => {
    const watchedPath = (opts as { watchedPath?: string } | undefined)?.watchedPath;
    if (event !== 'rename' || !name || !watchedPath) return;
    const file = path.isAbsolute(name) ? name : path.join(watchedPath, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) onFile(file);
  });
  const onDir = (dir: string) => {
    if (path.dirname(dir) === root) scheduleRescan();
  };
  watcher.on('addDir', onDir);
  watcher.on('unlinkDir', onDir);
  watcher.on('error', (e) => log.warn({ err: e }, 'watcher error'));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    /** Event and reload counters (for tests and the hot-reload benchmark). */
    stats: () => ({ ...stats }),
    async close(): Promise<void> {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      clearTimeout(rescanTimer);
      await watcher.close();
    },
  };
}

export type ExtensionWatcher = Awaited<ReturnType<typeof createExtensionWatcher>>;
