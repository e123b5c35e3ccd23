import { describe, expect, it } from 'vitest';
import { markRaw, nextTick, reactive } from 'vue';
import { globalNamesOf, registerExtensionComponents } from '../../host/app/src/extensions/global-components.js';

const C = (name: string) => ({ name, setup: () => () => null });

describe("extension components under Directus's global names", () => {
  it('names interfaces, displays, layouts (and their slots), panels and operations as Directus does', () => {
    expect(globalNamesOf('interfaces', { id: 'input-code', component: C('a'), options: [] }).map(([n]) => n)).toEqual([
      'interface-input-code',
    ]);
    expect(globalNamesOf('interfaces', { id: 'x', component: C('a'), options: C('o') }).map(([n]) => n)).toEqual([
      'interface-x',
      'interface-options-x',
    ]);
    expect(globalNamesOf('displays', { id: 'datetime', component: () => null, options: null }).map(([n]) => n)).toEqual(
      ['display-datetime'],
    );
    expect(
      globalNamesOf('layouts', {
        id: 'tabular',
        component: C('l'),
        slots: { options: C('o'), sidebar: C('s'), actions: C('a') },
      }).map(([n]) => n),
    ).toEqual(['layout-tabular', 'layout-options-tabular', 'layout-sidebar-tabular', 'layout-actions-tabular']);
    expect(globalNamesOf('panels', { id: 'metric', component: C('p') }).map(([n]) => n)).toEqual(['panel-metric']);
    // An operation's overview/options given as functions or arrays are data, not components.
    expect(globalNamesOf('operations', { id: 'log', overview: () => [], options: [] })).toEqual([]);
  });

  it("registers them as extensions come, replaces changed ones, removes gone ones, never touches the app's own", async () => {
    const own = C('VButton');
    const app = { _context: { components: { VButton: own, 'interface-taken': own } as Record<string, unknown> } };
    const state = reactive({
      interfaces: [] as any[],
      displays: [] as any[],
      layouts: [] as any[],
      panels: [] as any[],
      operations: [] as any[],
    });
    const dispose = registerExtensionComponents(app, { state });
    const first = C('first');
    state.interfaces = [markRaw({ id: 'input-code', component: first }), markRaw({ id: 'taken', component: C('x') })]; // configs are raw in the registry
    await nextTick();
    expect(app._context.components['interface-input-code']).toBe(first);
    expect(app._context.components['interface-taken']).toBe(own);
    const second = C('second');
    state.interfaces = [markRaw({ id: 'input-code', component: second })];
    state.displays = [markRaw({ id: 'shout', component: C('d') })];
    await nextTick();
    expect(app._context.components['interface-input-code']).toBe(second);
    expect(app._context.components['display-shout']).toBeTruthy();
    state.interfaces = [];
    await nextTick();
    expect('interface-input-code' in app._context.components).toBe(false);
    dispose();
    expect(Object.keys(app._context.components).sort()).toEqual(['VButton', 'interface-taken']);
  });
});
