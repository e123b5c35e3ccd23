// The global components against the contract derived from Directus's sources
// (host/app/src/components/contract.json): every contract component is registered, declares
// exactly the contract's props and emits (a renamed prop fails here), and renders every slot
// the contract names (server-rendered with a marker per slot, teleported content included).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollup } from 'rollup';
import { createSSRApp, h, provide, reactive, ref, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { vueSfcPlugin } from '../../host/src/app-sources/sfc-plugin.js';
import { iconsPlugin } from '../../host/app/src/components/icons/build-plugin.js';
import { registerDirectives } from '../../host/app/src/components/composables/directives.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'host/app/src/components');
const contract = JSON.parse(fs.readFileSync(path.join(DIR, 'contract.json'), 'utf8'));
type Entry = { props: string[]; emits: string[]; slots: string[]; annexProps?: string[] };
const entries = Object.entries(contract.components) as [string, Entry][];

/** How to render a component so a given set of its slots shows (several passes where slots exclude each other). */
type Pass = { props?: Record<string, unknown>; slots?: string[]; parent?: (inner: () => unknown) => unknown };
const HEADERS = [{ text: 'Name', value: 'name' }];
const TILE = { id: 't1', x: 1, y: 1, width: 8, height: 6, name: 'Tile one' };
const PASSES: Record<string, Pass[]> = {
  VButton: [{ props: { loading: true } }],
  VDetail: [{ slots: ['activator', 'default'], props: { modelValue: true } }, { slots: ['title'] }],
  VDialog: [{ props: { modelValue: true } }],
  VDrawer: [{ props: { title: 'T', modelValue: true } }],
  VErrorBoundary: [{ slots: ['default'] }],
  VInput: [{ slots: ['prepend-outer', 'prepend', 'input', 'append', 'append-outer'] }],
  VListGroup: [{ props: { open: true } }],
  VMenu: [{ props: { modelValue: true } }],
  VOverlay: [{ props: { active: true } }],
  VRadio: [{ props: { value: 'a' } }],
  VSelect: [
    { props: { items: ['a'] }, slots: ['preview', 'prepend', 'append'] },
    { props: { items: ['a'] }, slots: ['prepend', 'append'] },
  ],
  VSlider: [{ props: { showThumbLabel: true } }],
  VTable: [{ props: { headers: HEADERS, items: [{ id: 1, name: 'x' }] } }],
  VInfo: [{ props: { title: 'T' } }],
  VTabItem: [{ parent: (inner) => h(resolve('VTabsItems'), { modelValue: [0] }, () => inner()) }],
  // #title replaces the default title with its #title:prepend / #title:append, as in Directus.
  PrivateView: [
    {
      props: { splitView: true },
      slots: [
        'navigation',
        'title-outer:prepend',
        'title-outer:append',
        'headline',
        'title:prepend',
        'title:append',
        'actions:prepend',
        'actions',
        'actions:append',
        'sidebar',
        'splitView',
        'default',
      ],
    },
    { slots: ['title'] },
  ],
  // A sidebar detail shows its content when it is the open section of private-view's sidebar.
  SidebarDetail: [
    {
      props: { title: 'T', icon: 'info' },
      parent: (inner) => h({ setup: () => (provide('sidebar-detail-group', { open: ref('T') }), () => inner()) }),
    },
  ],
  UserPopover: [{ props: { user: 1 } }],
  DrawerItem: [{ props: { collection: 'notes', active: true } }],
  VWorkspaceTile: [{ props: { id: 't', x: 1, y: 1, width: 8, height: 6 } }],
  // #tile replaces the v-workspace-tile around each tile's #default.
  VWorkspace: [
    { props: { tiles: [TILE] }, slots: ['default'] },
    { props: { tiles: [TILE] }, slots: ['tile'] },
  ],
};
const slotName = (s: string) => s.replace('<value>', 'name');

let components: Record<string, Component>;
let resolve: (name: string) => Component;

beforeAll(async () => {
  // The components exactly as the app builds them (same SFC plugin), with vue left external.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-components-'));
  const bundle = await rollup({
    input: path.join(DIR, 'index.js'),
    external: (id) => id === 'vue' || id.startsWith('vue/') || id === 'vue-router',
    plugins: [iconsPlugin(), vueSfcPlugin()],
    onwarn: () => {},
  });
  await bundle.write({ dir: out, format: 'es' });
  await bundle.close();
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  const mod = await import(pathToFileURL(path.join(out, 'index.js')).href);
  components = mod.baseComponents;
  resolve = (name) => components[name];
  // Async components declare their contract on the loaded definition.
  for (const [name, c] of Object.entries(components)) {
    const loader = (c as { __asyncLoader?: () => Promise<Component> }).__asyncLoader;
    if (loader) components[name] = Object.assign(Object.create(null), { __loaded: await loader(), __async: c });
  }
}, 120_000);

const definition = (name: string) => {
  const c = components[name] as Component & { __loaded?: Component };
  return (c.__loaded ?? c) as {
    props?: Record<string, unknown> | string[];
    emits?: Record<string, unknown> | string[];
  };
};
const names = (v: Record<string, unknown> | string[] | undefined) =>
  (Array.isArray(v) ? v : Object.keys(v ?? {})).sort();

async function render(name: string, pass: Pass, slots: string[]) {
  const comp = definition(name) as Component;
  const contractProps: Record<string, unknown> = { ...(pass.props ?? {}) };
  const slotFns = Object.fromEntries(slots.map((s) => [slotName(s), () => h('i', { 'data-slot': slotName(s) })]));
  const app = createSSRApp({
    render: () => (pass.parent ? pass.parent(() => h(comp, contractProps, slotFns)) : h(comp, contractProps, slotFns)),
  });
  for (const [n, c] of Object.entries(components))
    app.component(n, ((c as { __loaded?: Component }).__loaded ?? c) as Component);
  registerDirectives(app);
  app.provide('stores', {
    useFieldsStore: () => ({ getFieldsForCollection: () => [] }),
    useCollectionsStore: () => ({ visibleCollections: [] }),
  });
  app.provide('registry', { state: reactive({ interfaces: [], displays: [] }) });
  app.config.warnHandler = () => {};
  const ctx: { teleports?: Record<string, string> } = {};
  const html = await renderToString(app, ctx);
  return html + Object.values(ctx.teleports ?? {}).join('');
}

describe("global components against Directus's contract (contract.json)", () => {
  it('provides every component Directus registers globally (register.ts lists in contract.json)', () => {
    const registered = contract.directusRegistered.names as string[];
    expect(registered.filter((n) => !contract.components[n])).toEqual([]);
    expect(registered.filter((n) => !components[n])).toEqual([]);
  });

  it('registers every contract component under its Directus name', () => {
    const missing = entries.map(([n]) => n).filter((n) => !components[n]);
    expect(missing).toEqual([]);
  });

  it.each(entries)("%s declares exactly the contract's props and emits", (name, entry) => {
    const def = definition(name);
    expect(names(def.props)).toEqual([...entry.props, ...(entry.annexProps ?? [])].sort());
    expect(names(def.emits)).toEqual([...entry.emits].sort());
  });

  it.each(entries.filter(([, e]) => e.slots.length > 0))('%s renders every contract slot', async (name, entry) => {
    const passes = PASSES[name] ?? [{}];
    const seen = new Set<string>();
    for (const pass of passes) {
      const html = await render(name, pass, pass.slots ?? entry.slots);
      for (const s of entry.slots) if (html.includes(`data-slot="${slotName(s)}"`)) seen.add(s);
    }
    // v-error-boundary shows its fallback only after a child threw: rendered in test/e2e/components.test.ts.
    const expected = name === 'VErrorBoundary' ? entry.slots.filter((s) => s !== 'fallback') : entry.slots;
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  it("renders v-workspace's tiles, drawer-batch's form and drawer-files' file picker", async () => {
    const workspace = await render(
      'VWorkspace',
      { props: { tiles: [TILE, { ...TILE, id: 't2', x: 10, name: 'Tile two' }] } },
      [],
    );
    expect(workspace.match(/class="v-workspace-tile/g)?.length).toBe(2);
    expect(workspace).toContain('data-tile="t2"');
    const batch = await render(
      'DrawerBatch',
      { props: { collection: 'notes', primaryKeys: [1, 2, 3], active: true } },
      [],
    );
    expect(batch).toContain('Batch editing 3 items');
    expect(batch).toContain('drawer-batch-form');
    const files = await render('DrawerFiles', { props: { active: true, folder: 'f1' } }, []);
    expect(files).toContain('drawer-files');
  });
});
