import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Which isolate a sandbox worker is running at this moment, kept in a small file the parent
 * reads when the worker dies. A worker killed by one extension (a V8 out-of-memory, a fatal
 * error) cannot say so over IPC, and a crash from a timer or a module's top level has no call in
 * flight to blame: the note names the extension whatever was running. Each entry costs two
 * positional writes to the page cache; nothing is flushed to disk.
 */

/** Environment variable carrying the note's path to the worker. */
export const ENTRY_NOTE_ENV = 'ANNEX_ENTRY_NOTE';

export type EntryKind = 'load' | 'call' | 'continuation' | 'timer';

const MAX_NOTE = 1024;
const OUTSIDE = Buffer.alloc(1);

/** Worker side: `enter(key, kind)` before running an isolate, `leave()` after. No-ops without a note file. */
export function openEntryNote(file: string | undefined): { enter(key: string, kind: EntryKind): void; leave(): void } {
  let fd: number | undefined;
  try {
    fd = file ? fs.openSync(file, 'w') : undefined;
  } catch {
    fd = undefined;
  }
  return {
    enter(key, kind) {
      if (fd === undefined) return;
      const text = Buffer.from(`${kind}\n${key}\n`);
      fs.writeSync(fd, text, 0, Math.min(text.length, MAX_NOTE), 0);
    },
    leave() {
      if (fd !== undefined) fs.writeSync(fd, OUTSIDE, 0, 1, 0);
    },
  };
}

/** Parent side: a fresh note path for one worker life. */
export function entryNotePath(index: number): string {
  return path.join(
    os.tmpdir(),
    `annex-sandbox-${process.pid}-${index}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.note`,
  );
}

/** Parent side: what the note says was running (undefined when nothing was), and remove it. */
export function takeEntryNote(file: string): { key: string; kind: EntryKind } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  } finally {
    fs.rmSync(file, { force: true });
  }
  if (text.length === 0 || text.charCodeAt(0) === 0) return undefined;
  const [kind, key] = text.split('\n');
  if (!key || !['load', 'call', 'continuation', 'timer'].includes(kind!)) return undefined;
  return { key, kind: kind as EntryKind };
}
