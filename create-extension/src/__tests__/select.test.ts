import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCreate } from '../cli.js';
import { select } from '../select.js';

const DOWN = '\u001b[B';
const UP = '\u001b[A';

/** A fake terminal: raw-mode switches are recorded; keys are typed once a prompt has been drawn. */
function createTerminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
    },
  });
  let screen = '';
  const waiters: { text: string; from: number; resolve: () => void }[] = [];
  const write = (text: string) => {
    screen += text;
    for (const w of waiters.splice(0)) {
      if (screen.indexOf(w.text, w.from) >= 0) w.resolve();
      else waiters.push(w);
    }
  };
  let seen = 0;
  /** Waits until `prompt` is drawn (after what was waited for before), then types `keys`. */
  const type = async (prompt: string, keys: string[]) => {
    const from = seen;
    await new Promise<void>((resolve) =>
      screen.indexOf(prompt, from) >= 0 ? resolve() : waiters.push({ text: prompt, from, resolve }),
    );
    seen = screen.indexOf(prompt, from) + prompt.length;
    for (const k of keys) input.write(k);
  };
  return { input, write, type, screen: () => screen };
}

describe('arrow-key selection', () => {
  it('moves with the arrows, wraps around, and confirms with Enter', async () => {
    const t = createTerminal();
    const answer = select(t.input, t.write, 'Pick', [
      { value: 'a', label: 'A' },
      { value: 'b', label: 'B' },
      { value: 'c', label: 'C' },
    ]);
    await t.type('Pick', [DOWN, DOWN, DOWN, UP, UP, '\r']);
    expect(await answer).toBe('b');
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('typing a number (two digits too) jumps to that choice', async () => {
    const t = createTerminal();
    const choices = Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: `choice ${i + 1}` }));
    const answer = select(t.input, t.write, 'Pick', choices);
    await t.type('Pick', ['1', '0', '\r']);
    expect(await answer).toBe(10);
  });

  it('Ctrl-C aborts with a coded error and leaves raw mode', async () => {
    const t = createTerminal();
    const answer = select(t.input, t.write, 'Pick', [{ value: 'a', label: 'A' }]);
    await t.type('Pick', ['\u0003']);
    await expect(answer).rejects.toMatchObject({ code: 'CREATE_PROMPT_EOF' });
    expect(t.input.rawModes.at(-1)).toBe(false);
  });

  it('a whole interactive session on a terminal: lists for type, language, sandbox, install; a typed name', async () => {
    const t = createTerminal();
    const cwd = await mkdtemp(join(tmpdir(), 'annex-select-'));
    const installs: string[] = [];
    const done = runCreate([], {
      stdout: () => {},
      stderr: t.write,
      stdin: t.input,
      isTTY: true,
      env: { NO_COLOR: '1' },
      cwd,
      install: async (pm) => (installs.push(pm), 0),
    });
    // hook is the 7th type; one step down from TypeScript is JavaScript; the sandbox list starts
    // on its default (No), one up is Yes; install starts on Yes, one down is No.
    await t.type('Extension type', ['7', '\r']);
    await t.type('Extension name', ['word-hook\n']);
    await t.type('Language', [DOWN, '\r']);
    await t.type('Run it in the sandbox?', [UP, '\r']);
    await t.type('Install dependencies?', [DOWN, '\r']);
    expect(await done).toBe(0);
    const pkg = JSON.parse(await readFile(join(cwd, 'word-hook', 'package.json'), 'utf8'));
    expect(pkg['directus:extension']).toMatchObject({
      type: 'hook',
      source: 'src/index.js',
      sandbox: { enabled: true },
    });
    expect(installs).toEqual([]);
  });
});
