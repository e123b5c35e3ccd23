import fs from 'node:fs';
import path from 'node:path';

/**
 * Quiet time after the last file event before a rebuild. One save raises two events (truncate,
 * write) that arrive together; a build that still read a half-written file is superseded (see
 * `generation`), so this only needs to cover events of one burst, not a slow writer.
 */
export const INPUT_SETTLE_MS = 2;

export interface InputWatcher {
  /** Counts the changes seen: a build that started at another generation read files changed since. */
  readonly generation: number;
  /** Replaces the watched files (absolute paths) with those of the latest build. */
  setInputs(files: Iterable<string>): void;
  close(): void;
}

/**
 * Watches the files a build read, with the OS's file events, and calls `rebuild` once per burst of
 * changes; a change during a rebuild runs one more after it. `root` (the entry's folder) is watched
 * with its sub-folders, so a file created where an unresolved import looks for it rebuilds too;
 * inputs outside it are watched through their folders. esbuild's own watch mode polls a random
 * subset of files, so a save was noticed 50-100 ms late (issue 20).
 */
export function createInputWatcher(
  root: string,
  rebuild: () => Promise<unknown>,
  onError: (error: unknown) => void = () => {},
): InputWatcher {
  const files = new Set<string>();
  const folders = new Map<string, fs.FSWatcher>();
  const inRoot = (file: string) => !path.relative(root, file).startsWith('..');
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let dirty = false;
  let closed = false;
  let generation = 0;

  async function run(): Promise<void> {
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    try {
      do {
        dirty = false;
        await rebuild().catch(onError);
      } while (dirty && !closed);
    } finally {
      running = false;
    }
  }

  function changed(folder: string, event: string, name: string | Buffer | null): void {
    if (closed) return;
    // A rename may be an editor's atomic save or a new file an import now resolves to: rebuild.
    if (event !== 'rename' && name !== null && !files.has(path.join(folder, String(name)))) return;
    generation++;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), INPUT_SETTLE_MS);
  }

  try {
    const watcher = fs.watch(root, { persistent: true, recursive: true }, (event, name) => changed(root, event, name));
    watcher.on('error', onError);
    folders.set(root, watcher);
  } catch (error) {
    onError(error);
  }

  return {
    get generation() {
      return generation;
    },
    setInputs(next) {
      if (closed) return;
      files.clear();
      for (const file of next) files.add(file);
      const wanted = new Set([...files].filter((f) => !inRoot(f)).map((f) => path.dirname(f)));
      for (const [folder, watcher] of folders) {
        if (folder === root || wanted.has(folder)) continue;
        watcher.close();
        folders.delete(folder);
      }
      for (const folder of wanted) {
        if (folders.has(folder)) continue;
        try {
          const watcher = fs.watch(folder, { persistent: true }, (event, name) => changed(folder, event, name));
          watcher.on('error', onError);
          folders.set(folder, watcher);
        } catch (error) {
          onError(error);
        }
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
    },
  };
}

/** The files of an esbuild metafile's inputs as absolute paths; virtual and node_modules inputs are left out. */
export function metafileInputs(inputs: Record<string, unknown>, cwd: string): string[] {
  return Object.keys(inputs)
    .filter((key) => !/^[\w-]+:/.test(key) && !key.startsWith('<') && !key.split(/[\\/]/).includes('node_modules'))
    .map((key) => path.resolve(cwd, key));
}
