import { createInterface } from 'node:readline';

/** Lines from stdin, queued as they arrive, so answers piped in all at once are not lost. */
export interface LineReader {
  next(): Promise<string | null>;
  close(): void;
}

export function createLineReader(input: NodeJS.ReadableStream): LineReader {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let closed = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w(null);
  });
  return {
    next() {
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      rl.close();
    },
  };
}

export class PromptAborted extends Error {
  readonly code = 'CREATE_PROMPT_EOF';
}

export interface AskOptions<T> {
  /** Returns the parsed answer, or an error message to ask again. */
  parse(answer: string): T | { error: string };
  default?: string;
}

/** Asks one question; re-asks on an invalid answer; end of input aborts with a coded error. */
export async function ask<T>(
  reader: LineReader,
  write: (text: string) => void,
  question: string,
  options: AskOptions<T>,
): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    write(`${question}${options.default !== undefined ? ` (${options.default})` : ''}: `);
    const line = await reader.next();
    if (line === null) {
      write('\n');
      throw new PromptAborted(`no answer for "${question}" (stdin ended); pass it as a flag instead`);
    }
    const answer = line.trim() === '' && options.default !== undefined ? options.default : line.trim();
    const parsed = options.parse(answer);
    if (parsed && typeof parsed === 'object' && 'error' in (parsed as object)) {
      write(`  ${(parsed as { error: string }).error}\n`);
      continue;
    }
    return parsed as T;
  }
  throw new PromptAborted(`too many invalid answers for "${question}"`);
}
