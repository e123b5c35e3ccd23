import { describe, expect, it } from 'vitest';
import { createOwnerLogBudget } from '../owner-log-budget.js';
import { createEmitter } from '../emitter.js';
import type { Logger } from '../../logger.js';

function recordingLogger() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ obj, msg }),
    info() {},
    error() {},
    debug() {},
    child: () => logger,
  } as unknown as Logger;
  return { logger, lines };
}

describe('host warnings about an extension share a budget per extension', () => {
  it('stops at the budget per window and reports what it dropped', () => {
    let t = 0;
    const dropped: [string, number][] = [];
    const budget = createOwnerLogBudget(
      (o, n) => void dropped.push([o, n]),
      { linesPerWindow: 3, windowMs: 1000 },
      () => t,
    );
    const taken = Array.from({ length: 10 }, () => budget.take('noisy'));
    expect(taken.filter(Boolean).length).toBe(3);
    expect(budget.take('quiet')).toBe(true);
    t = 1000;
    expect(budget.take('noisy')).toBe(true);
    expect(dropped).toEqual([['noisy', 7]]);
  });

  it('a flood of failing action handlers of one extension writes at most the budget', async () => {
    const { logger, lines } = recordingLogger();
    const emitter = createEmitter(logger);
    for (let i = 0; i < 50; i++)
      emitter.onAction(
        'x.y',
        () => {
          throw new Error('boom');
        },
        'noisy',
      );
    for (let i = 0; i < 20; i++) await emitter.emitAction('x.y');
    expect(lines.filter((l) => l.obj.extension === 'noisy').length).toBeLessThanOrEqual(20);
  });
});
