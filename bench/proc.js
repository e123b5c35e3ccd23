// /proc readings over a host's whole process tree (the host, its sandbox workers, any service it spawned).
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid) {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(') ') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null;
  }
}

/** `root` and every descendant alive now. */
export function treePids(root) {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (!s) continue;
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(Number(name));
  }
  const out = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Resident set size (MB) summed over the tree. */
export function treeRssMb(root) {
  let kb = 0;
  for (const pid of treePids(root)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* exited meanwhile */
    }
  }
  return kb / 1024;
}

/** CPU ms (user + system) used so far, summed over the tree; exited children count through their parent's cutime only when reaped, so read it while they live. */
export function treeCpuMs(root) {
  let ms = 0;
  for (const pid of treePids(root)) ms += stat(pid)?.cpuMs ?? 0;
  return ms;
}

export const hasProc = () => fs.existsSync('/proc/self/stat');

/**
 * Resident MB of the tree with each file's pages counted once: anonymous memory summed over the
 * processes, plus, per mapped file, the largest resident size any one process has of it. Summed
 * RSS counts the `node` binary's pages (≈ 40 MB) once per process although the processes share
 * them; this is the memory the tree occupies (an estimate: two processes may touch different pages
 * of one file).
 */
export function treeRssFilesOnceMb(root) {
  let anonKb = 0;
  const fileKb = new Map();
  for (const pid of treePids(root)) {
    let text;
    try {
      text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
    } catch {
      continue;
    }
    const perFile = new Map();
    let file = '';
    for (const line of text.split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
      if (head) {
        // inode 0: anonymous, the heap, the stack, vdso
        file = head[1] === '0' ? '' : head[2];
        continue;
      }
      const rss = /^Rss:\s+(\d+)/.exec(line);
      if (!rss) continue;
      if (file) perFile.set(file, (perFile.get(file) ?? 0) + Number(rss[1]));
      else anonKb += Number(rss[1]);
    }
    for (const [f, kb] of perFile) fileKb.set(f, Math.max(fileKb.get(f) ?? 0, kb));
  }
  let kb = anonKb;
  for (const v of fileKb.values()) kb += v;
  return kb / 1024;
}
