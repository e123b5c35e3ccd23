// The logic behind the global components, tested directly: highlight matching, pagination
// windows, menu placement, checkbox-tree value combining, select item normalisation, groups.
import { describe, expect, it } from 'vitest';
import { createSSRApp, defineComponent, h, ref } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { highlightParts } from '../../host/app/src/components/composables/highlight.js';
import { visiblePages } from '../../host/app/src/components/composables/pages.js';
import { placeFloating } from '../../host/app/src/components/composables/place.js';
import {
  toggleTreeValue,
  descendantValues,
  matchesSearch,
} from '../../host/app/src/components/composables/tree-value.js';
import { findItem, normalizeItems } from '../../host/app/src/components/composables/select-items.js';
import { useGroupable, useGroupableParent } from '../../host/app/src/components/composables/groupable.js';
import { readIconNames } from '../../host/app/src/components/icons/build-plugin.js';

describe('v-highlight parts', () => {
  it('marks every accent- and case-insensitive match, merging overlaps', () => {
    expect(highlightParts('Crème brûlée', 'creme')).toEqual([
      { text: 'Crème', highlighted: true },
      { text: ' brûlée', highlighted: false },
    ]);
    expect(highlightParts('abcabc', ['ab', 'bc'])).toEqual([{ text: 'abcabc', highlighted: true }]);
    expect(highlightParts('hello', null)).toEqual([{ text: 'hello', highlighted: false }]);
  });
});

describe('v-pagination pages', () => {
  it('centres totalVisible pages on the current one, clamped at both ends', () => {
    expect(visiblePages(10, 5, 1)).toEqual([1, 2, 3, 4, 5]);
    expect(visiblePages(10, 5, 6)).toEqual([4, 5, 6, 7, 8]);
    expect(visiblePages(10, 5, 10)).toEqual([6, 7, 8, 9, 10]);
    expect(visiblePages(3, 5, 2)).toEqual([1, 2, 3]);
    expect(visiblePages(10, undefined, 2)).toEqual([]);
  });
});

describe('v-menu placement', () => {
  const viewport = { width: 1000, height: 800 };
  const at = (style: { transform: string }) => style.transform.match(/-?\d+/g)!.map(Number);
  it('puts the menu under its activator, aligned by the placement', () => {
    const ref = { top: 100, bottom: 130, left: 200, right: 300, width: 100, height: 30 };
    expect(at(placeFloating(ref, { width: 150, height: 100 }, { placement: 'bottom-start', viewport }))).toEqual([
      200, 138,
    ]);
    expect(at(placeFloating(ref, { width: 150, height: 100 }, { placement: 'bottom-end', viewport }))).toEqual([
      150, 138,
    ]);
  });
  it('flips above when there is no room below, and stays inside the viewport', () => {
    const ref = { top: 700, bottom: 730, left: 950, right: 990, width: 40, height: 30 };
    const [x, y] = at(placeFloating(ref, { width: 200, height: 150 }, { placement: 'bottom-start', viewport }));
    expect(y).toBe(700 - 8 - 150);
    expect(x).toBe(1000 - 200 - 8);
  });
  it("gives an attached menu the activator's width", () => {
    const ref = { top: 0, bottom: 40, left: 10, right: 410, width: 400, height: 40 };
    expect(
      placeFloating(ref, { width: 100, height: 50 }, { placement: 'bottom-start', offsetY: 0, minWidth: 400, viewport })
        .minWidth,
    ).toBe('400px');
  });
});

describe('v-checkbox-tree value combining', () => {
  const keys = { text: 'text', value: 'value', children: 'children' };
  const tree = {
    text: 'A',
    value: 'a',
    children: [
      { text: 'B', value: 'b' },
      { text: 'C', value: 'c', children: [{ text: 'D', value: 'd' }] },
    ],
  };
  it('all: a parent brings its descendants, and removes them again', () => {
    expect(descendantValues(tree, keys)).toEqual(['b', 'c', 'd']);
    expect(toggleTreeValue([], tree, keys, 'all')).toEqual(['a', 'b', 'c', 'd']);
    expect(toggleTreeValue(['a', 'b', 'c', 'd', 'x'], tree, keys, 'all')).toEqual(['x']);
  });
  it('leaf: only leaves are stored', () => {
    expect(toggleTreeValue([], tree, keys, 'leaf')).toEqual(['b', 'd']);
  });
  it('branch: the parent replaces its selected descendants', () => {
    expect(toggleTreeValue(['b'], tree, keys, 'branch')).toEqual(['a']);
  });
  it('search matches a node through its children', () => {
    expect(matchesSearch(tree, keys, 'd')).toBe(true);
    expect(matchesSearch(tree, keys, 'zz')).toBe(false);
  });
});

describe('v-select items', () => {
  it('reads strings, keyed objects (dot paths), dividers and children', () => {
    const keys = {
      itemText: 'label.en',
      itemValue: 'id',
      itemIcon: 'icon',
      itemColor: null,
      itemDisabled: 'off',
      itemChildren: 'kids',
    };
    const items = normalizeItems(
      [
        'plain',
        { divider: true },
        { label: { en: 'One' }, id: 1, icon: 'star', off: true, kids: [{ label: { en: 'Two' }, id: 2 }] },
      ],
      keys,
    );
    expect(items[0]).toEqual({ text: 'plain', value: 'plain' });
    expect(items[1]).toEqual({ divider: true, value: null });
    expect(items[2]).toMatchObject({ text: 'One', value: 1, icon: 'star', disabled: true });
    expect(findItem(items, 2)?.text).toBe('Two');
  });
});

describe('groups (v-item-group / v-list / v-tabs selection)', () => {
  async function selection(options: { multiple?: boolean; mandatory?: boolean; max?: number }, clicks: number[]) {
    const model = ref<unknown[] | undefined>(undefined);
    let toggles: (() => void)[] = [];
    const Item = defineComponent({
      setup() {
        toggles.push(useGroupable({ group: 'g' }).toggle);
        return () => null;
      },
    });
    const Parent = defineComponent({
      setup(_p, { slots }) {
        useGroupableParent({ selection: model, onSelectionChange: (v: unknown[]) => (model.value = v) }, options, 'g');
        return () => slots.default?.();
      },
    });
    toggles = [];
    await renderToString(createSSRApp({ render: () => h(Parent, null, () => [h(Item), h(Item), h(Item)]) }));
    for (const i of clicks) toggles[i]();
    return model.value;
  }
  it('single selection replaces, a second click deselects unless mandatory', async () => {
    expect(await selection({}, [0, 2])).toEqual([2]);
    expect(await selection({}, [1, 1])).toEqual([]);
    expect(await selection({ mandatory: true }, [1, 1])).toEqual([1]);
  });
  it('multiple selection adds up to max', async () => {
    expect(await selection({ multiple: true, max: 2 }, [0, 1, 2])).toEqual([0, 1]);
  });
});

describe('icon names', () => {
  it('are read from the shipped font (aliases such as expand_more included) and cover the names Directus uses', () => {
    const names = new Set(readIconNames());
    for (const n of [
      'check',
      'close',
      'expand_more',
      'insert_emoticon',
      'chevron_right',
      'box',
      'drag_handle',
      'check_box_outline_blank',
      'radio_button_checked',
      'keyboard_arrow_up',
    ])
      expect(names.has(n)).toBe(true);
    expect(names.has('not_a_real_icon_name_xyz')).toBe(false);
  });
});
