import { defineComponent, getCurrentInstance, h, markRaw, onErrorCaptured, provide, ref } from 'vue';

/** Injection key of the nearest extension boundary (read by the render-budget mixin). */
export const BOUNDARY_KEY = Symbol('annex:extension-boundary');

/**
 * One component instance re-rendering more often than this is in a loop: stopped before it
 * freezes the page. Counted per instance, so a large page updating many components at once
 * never trips it; an animation or a drag (≤ ~120 updates a second) stays well below it.
 */
export const DEFAULT_RENDER_BUDGET = { renders: 200, windowMs: 1000 };

const RESERVED = new Set(['key', 'ref', 'ref_for', 'ref_key']);
const isComponentObject = (v) =>
  Boolean(v) &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  ['setup', 'render', 'template', '__vccOpts', '__name'].some((k) => k in v);
/** vue-router treats a plain function (no displayName) as a lazy loader, not a functional component. */
const isLazyLoader = (v) => typeof v === 'function' && !('displayName' in v) && !('props' in v);

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

// Inline, so the box shows even when a theme or a stylesheet is what broke.
const FAULT_STYLE =
  'border: 1px solid var(--theme--danger, #e35169); border-radius: 6px; padding: 8px 12px; color: var(--theme--danger, #e35169); background: var(--theme--danger-background, #fdeef1); font-size: 14px;';

/** What an extension component shows in its place once it failed. */
const FaultBox = markRaw(
  defineComponent({
    name: 'ExtensionFault',
    props: { extension: String, id: String, kind: String, code: String, message: String },
    setup: (props) => () =>
      h(
        'div',
        {
          class: 'extension-fault',
          role: 'alert',
          style: FAULT_STYLE,
          'data-extension': props.extension,
          'data-extension-id': props.id,
          'data-fault': props.code,
        },
        [
          h('strong', `${props.kind} "${props.id}" (${props.extension}) stopped`),
          h('code', ` ${props.code} `),
          h('span', props.message),
        ],
      ),
  }),
);

/**
 * Error boundaries around every extension component: an error thrown while one sets up,
 * renders, updates or handles an event is caught at its boundary, shown in its place and
 * reported, and a component that re-renders in a loop is unmounted once it exceeds the render
 * budget — the rest of the app keeps working.
 * @param {{ onFault: (fault: { extension: string, id: string, kind: string, code: string, message: string }) => void, budget?: { renders: number, windowMs: number }, now?: () => number }} options
 */
export function createBoundaries({ onFault, budget = DEFAULT_RENDER_BUDGET, now = () => performance.now() }) {
  /** inner component → its wrapper (one per component, so re-registering does not remount). */
  const wrappers = new WeakMap();

  /** Wraps one component (object or functional) in a boundary naming its extension. */
  function wrap(component, meta) {
    if (!component || (typeof component !== 'object' && typeof component !== 'function') || component[BOUNDARY_KEY])
      return component;
    const known = wrappers.get(component);
    if (known) return known;
    const wrapper = markRaw(
      defineComponent({
        name: `Boundary-${meta.id}`,
        inheritAttrs: false,
        // Declared as the inner component declares them, so `propsFor(config.component, …)` and other
        // introspection see the extension's own props; values are passed on as given (raw vnode props).
        props: component.props ?? component.__vccOpts?.props,
        setup(_props, { slots, expose }) {
          const instance = getCurrentInstance();
          const fault = ref(null);
          /** component instance under this boundary → its updates in the current window */
          const counts = new WeakMap();
          const fail = (code, error) => {
            if (fault.value) return;
            fault.value = { code, message: describe(error) };
            try {
              onFault({ extension: meta.extension, id: meta.id, kind: meta.kind, code, message: fault.value.message });
            } catch {}
          };
          provide(BOUNDARY_KEY, {
            /** Called before each update of a component instance under this boundary. */
            tick(component) {
              if (fault.value) return;
              const t = now();
              let c = counts.get(component);
              if (!c || t - c.start > budget.windowMs) counts.set(component, (c = { start: t, renders: 0 }));
              if (++c.renders > budget.renders)
                fail(
                  'APP_RENDER_LOOP',
                  new Error(`a component rendered more than ${budget.renders} times within ${budget.windowMs} ms`),
                );
            },
          });
          onErrorCaptured((error) => {
            fail('APP_RENDER_FAILED', error);
            return false;
          });
          // A parent's template ref reaches the extension component itself (its exposed methods,
          // e.g. `focus()`), plus `fault`.
          const inner = ref(null);
          expose(
            new Proxy(
              {},
              {
                get: (_, key) => (key === 'fault' ? fault.value : inner.value?.[key]),
                has: (_, key) => key === 'fault' || (inner.value != null && key in inner.value),
              },
            ),
          );
          return () => {
            if (fault.value)
              return h(FaultBox, { extension: meta.extension, id: meta.id, kind: meta.kind, ...fault.value });
            const passed = {};
            for (const [k, v] of Object.entries(instance.vnode.props ?? {}))
              if (!RESERVED.has(k) && !k.startsWith('onVnode')) passed[k] = v;
            // A functional component has no instance to reference.
            return h(component, typeof component === 'function' ? passed : { ...passed, ref: inner }, slots);
          };
        },
      }),
    );
    wrapper[BOUNDARY_KEY] = true;
    wrapper.__annexInner = component;
    wrappers.set(component, wrapper);
    return wrapper;
  }

  /** A route record with its component(s) and children's wrapped (lazy loaders wrap what they load). */
  function wrapRoute(route, meta) {
    if (!route || typeof route !== 'object') return route;
    const one = (c) =>
      isLazyLoader(c) ? () => Promise.resolve(c()).then((m) => wrap(m?.default ?? m, meta)) : wrap(c, meta);
    const out = { ...route };
    if (route.component) out.component = one(route.component);
    if (route.components)
      out.components = Object.fromEntries(Object.entries(route.components).map(([k, c]) => [k, one(c)]));
    if (Array.isArray(route.children)) out.children = route.children.map((r) => wrapRoute(r, meta));
    return out;
  }

  /** A copy of an app extension config whose components all render inside boundaries. */
  function wrapConfig(config, kind, extension) {
    const meta = { extension, id: String(config.id), kind };
    const out = { ...config };
    if (config.component) out.component = wrap(config.component, meta);
    if (isComponentObject(config.options)) out.options = wrap(config.options, meta);
    if (config.slots && typeof config.slots === 'object')
      out.slots = Object.fromEntries(Object.entries(config.slots).map(([k, c]) => [k, wrap(c, meta)]));
    if (Array.isArray(config.routes)) out.routes = config.routes.map((r) => wrapRoute(r, meta));
    return out;
  }

  return {
    wrap,
    wrapConfig,
    /** The render budget: every component update under a boundary counts against that boundary. */
    install(app) {
      app.mixin({
        beforeUpdate() {
          this.$.provides[BOUNDARY_KEY]?.tick(this.$);
        },
      });
    },
  };
}
