import { describe, expect, it } from 'vitest';
import { pickConfigs } from '../../host/src/app-sources/pick.js';

/** Bundle app halves as Directus's bundle build emits them: one array per type, entries in declaration order. */
describe('pickConfigs (bundle app entries)', () => {
  it('takes a config whose id differs from its entry name by its position (sweetalert-bundle: entry "interface", id "sweetalert:button")', () => {
    const mod = {
      interfaces: [{ id: 'sweetalert:button' }],
      displays: [],
      layouts: [],
      modules: [],
      panels: [],
      themes: [],
      operations: [],
    };
    const out = pickConfigs(mod, { type: 'bundle', entries: [{ name: 'interface', type: 'interface', index: 0 }] });
    expect(out.interfaces.map((c) => c.id)).toEqual(['sweetalert:button']);
  });

  it('keeps only enabled entries, matched by position when ids differ from names', () => {
    const mod = { interfaces: [{ id: 'a:one' }, { id: 'a:two' }, { id: 'a:three' }], displays: [{ id: 'shown' }] };
    const out = pickConfigs(mod, {
      type: 'bundle',
      entries: [
        { name: 'third', type: 'interface', index: 2 },
        { name: 'shown', type: 'display', index: 0 },
      ],
    });
    expect(out.interfaces.map((c) => c.id)).toEqual(['a:three']);
    expect(out.displays.map((c) => c.id)).toEqual(['shown']);
  });

  it('prefers the config whose id is the entry name over the position', () => {
    const mod = { panels: [{ id: 'other' }, { id: 'mine' }] };
    const out = pickConfigs(mod, { type: 'bundle', entries: [{ name: 'mine', type: 'panel', index: 0 }] });
    expect(out.panels.map((c) => c.id)).toEqual(['mine']);
  });

  it('leaves out an entry the module does not export, without failing the others', () => {
    const mod = { interfaces: [{ id: 'x' }], panels: 'not an array' };
    const out = pickConfigs(mod, {
      type: 'bundle',
      entries: [
        { name: 'x', type: 'interface', index: 0 },
        { name: 'p', type: 'panel', index: 0 },
        { name: 'gone', type: 'interface', index: 5 },
      ],
    });
    expect(out.interfaces.map((c) => c.id)).toEqual(['x']);
    expect(out.panels).toEqual([]);
  });
});
