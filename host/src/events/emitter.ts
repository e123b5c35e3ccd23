import { compileEventPattern } from '@annex/protocol';
import type { Logger } from '../logger.js';

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
}

/** Wildcard patterns get a matcher (Directus's semantics, from the protocol); exact names are looked up. */
function compilePattern(pattern: string): ((event: string) => boolean) | null {
  return pattern.includes('*') ? compileEventPattern(pattern) : null;
}

class ListenerSet<H> {
  private exact = new Map<string, Listener<H>[]>();
  private wild: Listener<H>[] = [];
  private seq = 0;

  add(pattern: string, handler: H, owner: string): () => void {
    const listener: Listener<H> = { seq: this.seq++, pattern, match: compilePattern(pattern), handler, owner };
    if (listener.match) this.wild.push(listener);
    else {
      const list = this.exact.get(pattern) ?? [];
      list.push(listener);
      this.exact.set(pattern, list);
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (listener.match) this.wild = this.wild.filter((l) => l !== listener);
      else {
        const list = (this.exact.get(pattern) ?? []).filter((l) => l !== listener);
        if (list.length) this.exact.set(pattern, list);
        else this.exact.delete(pattern);
      }
    };
  }

  /** Listeners for `event`, in registration order. */
  get(event: string): Listener<H>[] {
    const exact = this.exact.get(event) ?? [];
    if (this.wild.length === 0) return exact;
    const wild = this.wild.filter((l) => l.match!(event));
    if (wild.length === 0) return exact;
    return [...exact, ...wild].sort((a, b) => a.seq - b.seq);
  }

  size(): number {
    let n = this.wild.length;
    for (const list of this.exact.values()) n += list.length;
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

  return {
    onFilter: (event: string, handler: FilterHandler, owner = 'host') => filters.add(event, handler, owner),
    onAction: (event: string, handler: ActionHandler, owner = 'host') => actions.add(event, handler, owner),
    onInit: (event: string, handler: InitHandler, owner = 'host') => inits.add(event, handler, owner),

    async emitFilter<T>(events: string | string[], payload: T, meta: Record<string, any> = {}, context: EventContext = defaultContext): Promise<T> {
      let current = payload;
      for (const event of Array.isArray(events) ? events : [events]) {
        for (const l of filters.get(event)) {
          const result = await l.handler(current, { event, ...meta }, context);
          if (result !== undefined) current = result as T;
        }
      }
      return current;
    },

    /** Fire-and-forget; the returned promise settles when every handler has (for tests and drains). */
    emitAction(events: string | string[], meta: Record<string, any> = {}, context: EventContext = defaultContext): Promise<void> {
      const runs: Promise<unknown>[] = [];
      for (const event of Array.isArray(events) ? events : [events]) {
        for (const l of actions.get(event)) {
          runs.push(
            Promise.resolve()
              .then(() => l.handler({ event, ...meta }, context))
              .catch((error) => logger.warn({ err: error, event, extension: l.owner }, `action handler of ${l.owner} failed on ${event}`)),
          );
        }
      }
      return Promise.all(runs).then(() => undefined);
    },

    async emitInit(event: string, meta: Record<string, any> = {}): Promise<void> {
      for (const l of inits.get(event)) {
        try {
          await l.handler({ event, ...meta });
        } catch (error) {
          logger.warn({ err: error, event, extension: l.owner }, `init handler of ${l.owner} failed on ${event}`);
        }
      }
    },

    /** Listener counts, for leak tests and the health endpoint. */
    counts: () => ({ filters: filters.size(), actions: actions.size(), inits: inits.size() }),
  };
}

export type Emitter = ReturnType<typeof createEmitter>;
