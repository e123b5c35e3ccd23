import { emitKeypressEvents } from 'node:readline';
import { PromptAborted } from './prompts.js';

/** A terminal input: a readable stream that can be put in raw mode (process.stdin on a TTY). */
export interface KeyInput extends NodeJS.ReadableStream {
  setRawMode?(mode: boolean): unknown;
}

export interface Choice<T> {
  value: T;
  label: string;
}

interface Key {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

const UP = (n: number) => (n > 0 ? `\u001b[${n}A` : '');
const CLEAR_LINE = '\r\u001b[2K';

/**
 * Asks for one of `choices` with arrow keys (↑/↓ or k/j), typing a choice's number jumps to it,
 * Enter confirms (as `npm create vite` does). Ctrl-C, Escape or end of input abort with a coded error.
 */
export function select<T>(
  input: KeyInput,
  write: (text: string) => void,
  question: string,
  choices: readonly Choice<T>[],
  options: { initial?: number; color?: boolean } = {},
): Promise<T> {
  let index = Math.min(Math.max(options.initial ?? 0, 0), choices.length - 1);
  let digits = '';
  const accent = (text: string) => (options.color ? `\u001b[36m${text}\u001b[39m` : text);
  const render = (first: boolean) => {
    const lines = choices.map(
      (c, i) =>
        `${i === index ? accent('❯') : ' '} ${String(i + 1).padStart(2)}. ${i === index ? accent(c.label) : c.label}`,
    );
    write((first ? '' : UP(choices.length)) + lines.map((l) => `${CLEAR_LINE}${l}\n`).join(''));
  };

  return new Promise<T>((resolve, reject) => {
    emitKeypressEvents(input);
    input.setRawMode?.(true);
    input.resume();
    write(
      `${question} ${options.color ? '\u001b[2m' : ''}(↑/↓ or a number, Enter)${options.color ? '\u001b[22m' : ''}\n`,
    );
    render(true);

    const finish = (error: Error | null) => {
      input.off('keypress', onKey);
      input.off('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      // Collapse the list into the answered question.
      write(
        UP(choices.length + 1) +
          `${CLEAR_LINE}${question}${question.endsWith('?') ? '' : ':'} ${error ? '' : choices[index]!.label}\n` +
          `${CLEAR_LINE}\n`.repeat(choices.length) +
          UP(choices.length),
      );
      if (error) reject(error);
      else resolve(choices[index]!.value);
    };
    const onEnd = () =>
      finish(new PromptAborted(`no answer for "${question}" (stdin ended); pass it as a flag instead`));
    const onKey = (text: string | undefined, key: Key = {}) => {
      if ((key.ctrl && key.name === 'c') || key.name === 'escape')
        return finish(new PromptAborted(`"${question}" was cancelled`));
      if (key.name === 'return' || key.name === 'enter') return finish(null);
      if (text !== undefined && /^[0-9]$/.test(text)) {
        // Numbers may have two digits (10 types): keep typing while the number still fits.
        digits = Number(digits + text) <= choices.length ? digits + text : text;
        const n = Number(digits);
        if (n >= 1 && n <= choices.length) index = n - 1;
      } else if (key.name === 'up' || key.name === 'k') {
        index = (index - 1 + choices.length) % choices.length;
        digits = '';
      } else if (key.name === 'down' || key.name === 'j') {
        index = (index + 1) % choices.length;
        digits = '';
      } else return;
      render(false);
    };
    input.on('keypress', onKey);
    input.on('end', onEnd);
  });
}
