import type { Accountability } from '../../auth/accountability.js';
import { errors } from '../../errors.js';
import type { UnitRegistrar } from './types.js';
import {
  assertNoNewRelationalWrites,
  eventContextCopy,
  eventGranted,
  plainMeta,
  userItemCollection,
} from './sandboxed-events.js';

/** Hooks: filters, actions, inits, schedules and embeds, each gated by the scope's generation. */
export const hookRegistrar: UnitRegistrar = {
  trusted({ kernel, scope, unit, context }, config) {
    if (typeof config !== 'function')
      throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'a hook exports a function (register, context)' });
    const owner = unit.id;
    const register = {
      filter: (event: string, handler: (p: unknown, m: unknown, c: unknown) => unknown) =>
        scope.defer(
          kernel.emitter.onFilter(
            event,
            (p, m, c) => (scope.live ? scope.track(() => handler(p, m, c)) : undefined),
            owner,
          ),
        ),
      action: (event: string, handler: (m: unknown, c: unknown) => unknown) =>
        scope.defer(
          kernel.emitter.onAction(event, (m, c) => (scope.live ? scope.track(() => handler(m, c)) : undefined), owner),
        ),
      init: (event: string, handler: (m: unknown) => unknown) => {
        // What the handler adds to the host's Express app (`meta.app`) is removed with the unit.
        const run = async (m: Record<string, unknown>) => {
          if (m.app !== kernel.express.app) return handler(m);
          scope.defer(await kernel.express.track(() => handler(m)));
        };
        return scope.defer(
          kernel.emitter.onInit(event, (m) => (scope.live ? scope.track(() => run(m)) : undefined), owner),
        );
      },
      schedule: (cron: string, handler: () => unknown) =>
        scope.defer(
          kernel.scheduler.schedule(
            cron,
            () => (scope.live ? scope.track(handler) : undefined),
            owner,
            `${owner}:${scope.size}`,
          ),
        ),
      embed: (position: 'head' | 'body', content: string | (() => string)) => {
        if (position !== 'head' && position !== 'body')
          throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: `embed position must be "head" or "body"` });
        if (content === '' || (typeof content !== 'string' && typeof content !== 'function'))
          throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'embed needs a non-empty string or a function' });
        return scope.defer(
          kernel.embeds.add(
            position,
            () => (scope.live ? (typeof content === 'function' ? content() : content) : ''),
            owner,
          ),
        );
      },
    };
    return (config as (r: unknown, c: unknown) => unknown)(register, context);
  },

  sandboxed({ kernel, scope, unit, registrations: regs, granted, call }) {
    // Directus's sandboxed hooks: filter/action for any event with copies of payload and meta; a
    // filter's return value replaces the payload. Only events the `events` scope grants are heard
    // (activation left the unit pending otherwise).
    for (const f of regs.filters) {
      if (!eventGranted(f.event, granted)) continue;
      scope.defer(
        kernel.emitter.onFilter(
          f.event,
          async (payload, meta, context) => {
            if (!scope.live) return undefined;
            const result = await call(
              f.handler,
              [payload, plainMeta(meta), eventContextCopy(context)],
              (context?.accountability as Accountability) ?? null,
            );
            // The caller's write runs with the caller's rights: a hook may change its own collection's
            // fields, not turn it into a nested write elsewhere.
            const collection = userItemCollection(meta);
            if (result !== undefined && collection)
              await assertNoNewRelationalWrites(kernel, collection, payload, result);
            return result;
          },
          unit.id,
        ),
      );
    }
    for (const a of regs.actions) {
      if (!eventGranted(a.event, granted)) continue;
      scope.defer(
        kernel.emitter.onAction(
          a.event,
          async (meta, context) => {
            if (scope.live)
              await call(
                a.handler,
                [plainMeta(meta), eventContextCopy(context)],
                (context?.accountability as Accountability) ?? null,
              );
          },
          unit.id,
        ),
      );
    }
    for (const i of regs.inits) {
      scope.defer(
        kernel.emitter.onInit(
          i.event,
          async (meta) => {
            if (scope.live) await call(i.handler, [plainMeta(meta)], null);
          },
          unit.id,
        ),
      );
    }
    regs.schedules.forEach((s, index) => {
      scope.defer(
        kernel.scheduler.schedule(
          s.cron,
          async () => {
            if (scope.live) await call(s.handler, [], null);
          },
          unit.id,
          `${unit.id}:${index}`,
        ),
      );
    });
    // Embedded HTML runs in the admin's pages, with the admin's session: only with the `embed` scope granted.
    if (regs.embeds.length && !granted.embed)
      kernel.logger.warn(
        { extension: unit.id, embeds: regs.embeds.length },
        'sandboxed extension embeds HTML without the "embed" scope granted; its embeds are not rendered',
      );
    else
      for (const e of regs.embeds)
        scope.defer(kernel.embeds.add(e.position, () => (scope.live ? e.html : ''), unit.id));
  },
};
