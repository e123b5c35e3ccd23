import { ask, createLineReader, type AskOptions, type LineReader } from './prompts.js';
import { select, type Choice, type KeyInput } from './select.js';

/** How the scaffolder asks: arrow-key lists on a terminal, typed (or piped) lines otherwise. */
export interface Asker {
  /** One of `choices`; in line mode the typed answer goes through `line.parse` (numbers, names, y/n). */
  choose<T>(
    question: string,
    choices: readonly Choice<T>[],
    line: AskOptions<T> & { label: string; numbered?: boolean },
  ): Promise<T>;
  text<T>(question: string, options: AskOptions<T>): Promise<T>;
  close(): void;
}

export function createAsker(input: KeyInput, isTTY: boolean, write: (text: string) => void, color: boolean): Asker {
  const terminal = isTTY && typeof input.setRawMode === 'function';
  let reader: LineReader | null = null;
  const lines = () => (reader ??= createLineReader(input));
  const closeReader = () => {
    reader?.close();
    reader = null;
  };
  return {
    async choose(question, choices, line) {
      if (terminal) {
        const initial =
          line.default === undefined ? 0 : choices.findIndex((c) => c.value === line.parse(line.default!));
        return select(input, write, question, choices, { initial, color });
      }
      if (line.numbered) write(choices.map((c, i) => `  ${i + 1}. ${c.label}`).join('\n') + '\n');
      return ask(lines(), write, line.label, line);
    },
    async text(question, options) {
      try {
        return await ask(lines(), write, question, options);
      } finally {
        // On a terminal the next question may be a raw-mode list: release stdin to it.
        if (terminal) closeReader();
      }
    },
    close: closeReader,
  };
}
