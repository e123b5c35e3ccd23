import { createGeneration, track, type Generation } from './generation.js';

export type Disposer = () => void | Promise<void>;

/**
 * One activation of one extension: the generation its registrations check before they run,
 * and the disposers they hand back. Registrars receive the scope and `defer` what they
 * register; deactivation (or a failed activation) disposes the scope in reverse order.
 */
export interface ExtensionScope {
  readonly gen: Generation;
  /** True while this activation serves traffic. */
  readonly live: boolean;
  /** How many disposers the scope holds (Directus numbers schedules by registration order). */
  readonly size: number;
  /** Keeps `disposer` for `dispose()`; returns it, so a registration can also hand it to its caller. */
  defer<D extends Disposer>(disposer: D): D;
  /** Runs `fn` counted against the generation (calls, errors, wall time, in-flight). */
  track<T>(fn: () => T | Promise<T>): Promise<T>;
  /** Runs every disposer, last first; a failing one is reported and the rest still run. */
  dispose(onError: (e: unknown) => void): Promise<void>;
}

export function createExtensionScope(gen: Generation = createGeneration()): ExtensionScope {
  let disposers: Disposer[] = [];
  return {
    gen,
    get live() {
      return gen.live;
    },
    get size() {
      return disposers.length;
    },
    defer(disposer) {
      disposers.push(disposer);
      return disposer;
    },
    track: (fn) => track(gen, fn),
    async dispose(onError) {
      const list = disposers.reverse();
      disposers = [];
      for (const d of list) {
        try {
          await d();
        } catch (e) {
          onError(e);
        }
      }
    },
  };
}
