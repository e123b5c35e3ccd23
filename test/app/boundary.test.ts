import { describe, expect, it } from 'vitest';
import { createRenderer, defineComponent, h, nextTick, onUpdated, ref } from 'vue';
import { createBoundaries } from '../../host/app/src/extensions/boundary.js';
import { propsFor } from '../../host/app/src/sdk/props-for.js';

type Node = { tag: string; props: Record<string, unknown>; children: Node[]; text: string; parent: Node | null };
/** A minimal in-memory renderer: enough to mount components and read what they rendered. */
function createTestRenderer() {
  const el = (tag: string): Node => ({ tag, props: {}, children: [], text: '', parent: null });
  const renderer = createRenderer<Node, Node>({
    createElement: (tag) => el(tag),
    createText: (text) => ({ ...el('#text'), text }),
    createComment: (text) => ({ ...el('#comment'), text }),
    setText: (node, text) => {
      node.text = text;
    },
    setElementText: (node, text) => {
      node.children = text ? [{ ...el('#text'), text, parent: node }] : [];
    },
    insert: (child, parent, anchor) => {
      if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
      child.parent = parent;
      const i = anchor ? parent.children.indexOf(anchor) : -1;
      if (i === -1) parent.children.push(child);
      else parent.children.splice(i, 0, child);
    },
    remove: (child) => {
      if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
      child.parent = null;
    },
    parentNode: (node) => node.parent,
    nextSibling: (node) =>
      node.parent ? (node.parent.children[node.parent.children.indexOf(node) + 1] ?? null) : null,
    patchProp: (node, key, _prev, next) => {
      node.props[key] = next;
    },
  });
  const text = (n: Node): string => (n.tag === '#text' ? n.text : n.children.map(text).join(''));
  const find = (n: Node, pred: (n: Node) => boolean): Node | null =>
    pred(n) ? n : (n.children.map((c) => find(c, pred)).find(Boolean) ?? null);
  return { renderer, root: el('root'), text, find };
}

function setup(budget = { renders: 20, windowMs: 10_000 }) {
  const faults: any[] = [];
  const boundaries = createBoundaries({ onFault: (f) => faults.push(f), budget });
  const t = createTestRenderer();
  return { ...t, faults, boundaries };
}

describe('extension boundaries', () => {
  it("passes props, listeners and slots through unchanged and keeps the component's declared props visible", async () => {
    const { renderer, root, text, faults, boundaries } = setup();
    const Inner = defineComponent({
      props: { value: String, label: { type: String, default: 'L' } },
      emits: ['input'],
      setup:
        (props, { emit, slots }) =>
        () =>
          h('div', { onClick: () => emit('input', `${props.value}!`) }, [
            `${props.label}:${props.value}`,
            slots.default?.(),
          ]),
    });
    const config = boundaries.wrapConfig(
      { id: 'x', component: Inner, options: [{ field: 'a' }] },
      'interface',
      'ext-a',
    );
    expect(propsFor(config.component, { value: 'v', label: 'kept', onclick: 'alert(1)' })).toEqual({
      value: 'v',
      label: 'kept',
    });
    // For a field's interface options (written by administrators), a `class` falls through as
    // Directus's `v-bind="options"` lets it (a tour group marks its fields so); nothing else
    // undeclared does, a class is text only, and other options never pass one.
    const withClass = { value: 'v', class: 'tour-input-title', innerHTML: '<img onerror=x>', style: 'x' };
    expect(propsFor(config.component, withClass, { classes: true })).toEqual({ value: 'v', class: 'tour-input-title' });
    expect(propsFor(config.component, withClass)).toEqual({ value: 'v' });
    expect(propsFor(config.component, { class: { toString: 'x' } }, { classes: true })).toEqual({});
    expect(config.options).toEqual([{ field: 'a' }]);
    const got: string[] = [];
    const value = ref('a');
    renderer
      .createApp({
        render: () =>
          h(config.component, { value: value.value, onInput: (v: string) => got.push(v) }, { default: () => 'slot' }),
      })
      .mount(root);
    expect(text(root)).toBe('L:aslot');
    value.value = 'b';
    await nextTick();
    expect(text(root)).toBe('L:bslot');
    (root.children[0]!.props.onClick as () => void)();
    expect(got).toEqual(['b!']);
    expect(faults).toEqual([]);
  });

  it("lets a parent's template ref reach what the extension component exposes", async () => {
    const { renderer, root, text, boundaries } = setup();
    const Inner = defineComponent({
      setup: (_p, { expose }) => {
        expose({ focus: () => 'focused' });
        return () => h('input');
      },
    });
    const Functional = (props: { value?: string }) => h('span', props.value);
    const config = boundaries.wrapConfig({ id: 'x', component: Inner }, 'interface', 'ext-a');
    const display = boundaries.wrapConfig({ id: 'y', component: Functional }, 'display', 'ext-b');
    const handle = ref<any>(null);
    renderer
      .createApp({
        render: () => h('div', [h(config.component, { ref: handle }), h(display.component, { value: 'shown' })]),
      })
      .mount(root);
    await nextTick();
    expect(handle.value.focus()).toBe('focused');
    expect(handle.value.fault).toBe(null);
    expect(text(root)).toBe('shown');
  });

  it('shows a component that throws in its place, reports it, and leaves its siblings rendering', async () => {
    const { renderer, root, text, find, faults, boundaries } = setup();
    const Throws = defineComponent({
      setup: () => () => {
        throw new Error('render boom');
      },
    });
    const Fine = defineComponent({ setup: () => () => h('p', 'fine') });
    const bad = boundaries.wrapConfig({ id: 'bad', component: Throws }, 'interface', 'ext-bad');
    const good = boundaries.wrapConfig({ id: 'good', component: Fine }, 'display', 'ext-good');
    renderer.createApp({ render: () => h('main', [h(bad.component), h(good.component)]) }).mount(root);
    await nextTick();
    const box = find(root, (n) => n.props['data-fault'] === 'APP_RENDER_FAILED');
    expect(box?.props['data-extension']).toBe('ext-bad');
    expect(text(root)).toContain('fine');
    expect(faults).toEqual([
      expect.objectContaining({
        extension: 'ext-bad',
        id: 'bad',
        kind: 'interface',
        code: 'APP_RENDER_FAILED',
        message: 'Error: render boom',
      }),
    ]);
  });

  it('stops a component that re-renders without end and reports APP_RENDER_LOOP', async () => {
    const { renderer, root, text, find, faults, boundaries } = setup({ renders: 20, windowMs: 60_000 });
    let renders = 0;
    const Loop = defineComponent({
      setup() {
        const n = ref(0);
        onUpdated(() => {
          n.value++;
        });
        return () => {
          renders++;
          return h('span', `n=${n.value}`);
        };
      },
    });
    const Kick = defineComponent({
      setup() {
        const n = ref(0);
        setTimeout(() => n.value++, 0);
        return () => h(Loop, { key: 'l', tick: n.value });
      },
    });
    const wrapped = boundaries.wrapConfig({ id: 'loop', component: Kick }, 'panel', 'ext-loop');
    const app = renderer.createApp({ render: () => h('main', [h(wrapped.component), h('p', 'still here')]) });
    boundaries.install(app as any);
    app.mount(root);
    await new Promise((r) => setTimeout(r, 50));
    expect(find(root, (n) => n.props['data-fault'] === 'APP_RENDER_LOOP')?.props['data-extension']).toBe('ext-loop');
    expect(text(root)).toContain('still here');
    expect(renders).toBeLessThan(40);
    const before = renders;
    await new Promise((r) => setTimeout(r, 20));
    expect(renders).toBe(before);
    expect(faults.map((f) => [f.extension, f.code])).toEqual([['ext-loop', 'APP_RENDER_LOOP']]);
  });

  it('does not count a large page updating many components at once as a loop', async () => {
    const { renderer, root, text, faults, boundaries } = setup({ renders: 20, windowMs: 60_000 });
    const tick = ref(0);
    const Row = defineComponent({ props: { i: Number }, setup: (props) => () => h('li', `${props.i}:${tick.value}`) });
    const Page = defineComponent({
      setup: () => () =>
        h(
          'ul',
          Array.from({ length: 150 }, (_, i) => h(Row, { i })),
        ),
    });
    const page = boundaries.wrapConfig({ id: 'settings', component: Page }, 'module', 'ext-page');
    const app = renderer.createApp({ render: () => h(page.component) });
    boundaries.install(app as any);
    app.mount(root);
    for (let n = 1; n <= 10; n++) {
      tick.value = n;
      await nextTick();
    }
    expect(text(root)).toContain('149:10');
    expect(faults).toEqual([]);
  });

  it('wraps module routes, lazy route components included', async () => {
    const { boundaries } = setup();
    const Page = defineComponent({ setup: () => () => h('div') });
    const config = boundaries.wrapConfig(
      {
        id: 'm',
        routes: [
          {
            path: '',
            component: Page,
            children: [{ path: 'lazy', component: () => Promise.resolve({ default: Page }) }],
          },
        ],
      },
      'module',
      'ext-m',
    );
    expect(config.routes[0].component).not.toBe(Page);
    expect((config.routes[0].component as any).__annexInner).toBe(Page);
    const loaded = await config.routes[0].children[0].component();
    expect(loaded.__annexInner).toBe(Page);
    // One wrapper per component: re-registering does not remount.
    expect(boundaries.wrap(Page, { extension: 'ext-m', id: 'm', kind: 'module' })).toBe(config.routes[0].component);
  });
});
