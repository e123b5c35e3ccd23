import { compileEventPattern } from '@annex/protocol';
import type { Logger } from '../logger.js';
import { createOwnerLogBudget } from './owner-log-budget.js';

export type FilterHandler = (payload: any, meta: Record<string, any>, context: EventContext) => unknown;
export type ActionHandler = (meta: Record<string, any>, context: EventContext) => unknown;
export type InitHandler = (meta: Record<string, any>) => unknown;

/** Directus's EventContext: the database, schema and who acts. */
export interface EventContext {
  database: unknown;
  schema: unknown;
  accountability: unknown;
}

interface Listener<H> {
  seq: number;
  pattern: string;
  match: ((event: string) => boolean) | null;
  handler: H;
  owner: string;
  /** A wildcard listener hears extension-emitted events only when it asked to. */
  emitted: boolean;
}

/** Options of `on*`: `emitted` lets a wildcard listener hear events extensions emit (exact names always do). */
export interface ListenOptions {
  emitted?: boolean;
}

/** Wildcard patterns get a matcher (Directus's semantics, from the protocol); exact names are looked up. */
function compilePattern(pattern: string): ((event: string) => boolean) | null {
  return pattern.includes('*') ? compileEventPattern(pattern) : null;
}

/**
 * Listeners by exact name and wildcard. Kept in Maps keyed by sequence number (insertion order
 * is registration order), so removing one is O(1): an extension with very many listeners is
 * disabled without copying a list per removal.
 */
const MAX_CACHED_EVENTS = 2048;

class ListenerSet<H> {
  private exact = new Map<string, Map<number, Listener<H>>>();
  private wild = new Map<number, Listener<H>>();
  private seq = 0;
  /**
   * `get`'s answers by event name, dropped whenever a listener is added or removed. An event such
   * as `response` is emitted on every request: matching it against every wildcard each time was a
   * measurable share of a request's CPU. Bounded, as extensions may emit many distinct names.
   */
  private answers = new Map<string, Listener<H>[]>();

  add(pattern: string, handler: H, owner: string, options: ListenOptions = {}): () => void {
    const listener: Listener<H> = {
      seq: this.seq++,
      pattern,
      match: compilePattern(pattern),
      handler,
      owner,
      emitted: options.emitted === true,
    };
    this.answers.clear();
    if (listener.match) this.wild.set(listener.seq, listener);
    else {
      let list = this.exact.get(pattern);
      if (!list) this.exact.set(pattern, (list = new Map()));
      list.set(listener.seq, listener);
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.answers.clear();
      if (listener.match) this.wild.delete(listener.seq);
      else {
        const list = this.exact.get(pattern);
        list?.delete(listener.seq);
        if (list && list.size === 0) this.exact.delete(pattern);
      }
    };
  }

  /** Listeners for `event`, in registration order; `emitted` leaves out wildcard listeners that did not ask for emitted events. */
  get(event: string, emitted = false): Listener<H>[] {
    const key = emitted ? `\u0000${event}` : event;
    let answer = this.answers.get(key);
    if (answer) return answer;
    answer = this.match(event, emitted);
    if (this.answers.size >= MAX_CACHED_EVENTS) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }

  private match(event: string, emitted: boolean): Listener<H>[] {
    const list = this.exact.get(event);
    const exact = list ? [...list.values()] : [];
    if (this.wild.size === 0) return exact;
    const wild: Listener<H>[] = [];
    for (const l of this.wild.values()) if ((!emitted || l.emitted) && l.match!(event)) wild.push(l);
    if (wild.length === 0) return exact;
    return [...exact, ...wild].sort((a, b) => a.seq - b.seq);
  }

  size(): number {
    let n = this.wild.size;
    for (const list of this.exact.values()) n += list.size;
    return n;
  }
}

/**
 * The event bus: filters run sequentially and awaited (a non-undefined return replaces the
 * payload; a throw aborts the operation), actions run asynchronously (errors are logged),
 * init events are awaited. Every `on*` returns its disposer.
 */
export function createEmitter(logger: Logger) {
  const filters = new ListenerSet<FilterHandler>();
  const actions = new ListenerSet<ActionHandler>();
  const inits = new ListenerSet<InitHandler>();
  const defaultContext: EventContext = { database: null, schema: null, accountability: null };
  const warnings = createOwnerLogBudget((owner, dropped) =>
    logger.warn({ extension: owner, dropped }, `dropped ${dropped} handler warnings of ${owner}`),
  );

  return {
    onFilter: (event: string, handler: FilterHandler, owner = 'host', options?: ListenOptions) =>
      filters.add(event, handler, owner, options),
    onAction: (event: string, handler: ActionHandler, owner = 'host', options?: ListenOptions) =>
      actions.add(event, handler, owner, options),
    onInit: (event: string, handler: InitHandler, owner = 'host') => inits.add(event, handler, owner),

    async emitFilter<T>(
      events: string | string[],
      payload: T,
      meta: Record<string, any> = {},
      context: EventContext = defaultContext,
    ): Promise<T> {
      let current = payload;
      for (const event of Array.isArray(events) ? events : [events]) {
        for (const l of filters.get(event)) {
          const result = await l.handler(current, { event, ...meta }, context);
          if (result !== undefined) current = result as T;
        }
      }
      return current;
    },

    /**
     * Fire-and-forget; the returned promise settles when every handler has (for tests and drains).
     * `emitted`: an extension emitted it, so only exact and opted-in wildcard listeners hear it.
     */
    emitAction(
      events: string | string[],
      meta: Record<string, any> = {},
      context: EventContext = defaultContext,
      options: { emitted?: boolean } = {},
    ): Promise<void> {
      const runs: Promise<unknown>[] = [];
      for (const event of Array.isArray(events) ? events : [events]) {
        for (const l of actions.get(event, options.emitted === true)) {
          runs.push(
            Promise.resolve()
              .then(() => l.handler({ event, ...meta }, context))
              .catch((error) => {
                if (warnings.take(l.owner))
                  logger.warn(
                    { err: error, event, extension: l.owner },
                    `action handler of ${l.owner} failed on ${event}`,
                  );
              }),
          );
        }
      }
      return Promise.all(runs).then(() => undefined);
    },

    /** Whether any action listener (wildcards included) would hear `event`. */
    hasAction: (event: string): boolean => actions.get(event).length > 0,

    /** Whether any init listener would hear `event`. */
    hasInit: (event: string): boolean => inits.get(event).length > 0,

    async emitInit(event: string, meta: Record<string, any> = {}): Promise<void> {
      for (const l of inits.get(event)) {
        try {
          await l.handler({ event, ...meta });
        } catch (error) {
          if (warnings.take(l.owner))
            logger.warn({ err: error, event, extension: l.owner }, `init handler of ${l.owner} failed on ${event}`);
        }
      }
    },

    /** Listener counts, for leak tests and the health endpoint. */
    counts: () => ({ filters: filters.size(), actions: actions.size(), inits: inits.size() }),
  };
}

export type Emitter = ReturnType<typeof createEmitter>;
