import type { InstallProgress } from '@annex/marketplace/install';

/** A one-line progress bar on a TTY (plain phase lines otherwise); respects NO_COLOR. */
export function createProgressBar(out: NodeJS.WriteStream = process.stderr) {
  const tty = out.isTTY === true;
  const color = tty && !process.env.NO_COLOR;
  let lastPhase = '';
  return {
    update(p: InstallProgress): void {
      const label = `${p.phase.padEnd(9)} ${p.extension}`;
      if (!tty) {
        if (p.phase !== lastPhase) out.write(`${label}\n`);
        lastPhase = p.phase;
        return;
      }
      let bar = '';
      if (p.total && p.bytes !== undefined) {
        const width = 24;
        const filled = Math.min(width, Math.round((p.bytes / p.total) * width));
        const pct = Math.min(100, Math.round((p.bytes / p.total) * 100));
        bar = ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${(p.bytes / 1024).toFixed(0)} KB`;
      } else if (p.bytes !== undefined) bar = ` ${(p.bytes / 1024).toFixed(0)} KB`;
      const text = color ? `\x1b[36m${label}\x1b[0m${bar}` : `${label}${bar}`;
      out.write(`\r\x1b[2K${text}`);
      if (p.phase === 'done') out.write('\n');
      lastPhase = p.phase;
    },
  };
}
