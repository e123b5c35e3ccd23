import { describe, expect, it } from 'vitest';
import { defineComponent, markRaw, nextTick, reactive } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { syncModuleRoutes } from '../../host/app/src/extensions/module-routes.js';

const Page = defineComponent({ render: () => null });

describe('module routes', () => {
  it('routes each module under its id; one whose routes the router refuses is left out and reported, the others stay', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', name: 'shell', component: Page, children: [] }],
    });
    const state = reactive({ modules: [] as any[] });
    const faults: string[] = [];
    syncModuleRoutes(
      router,
      { state },
      () => true,
      (m: { id: string }, e: unknown) => faults.push(`${m.id}: ${e instanceof Error}`),
    );
    state.modules = [
      markRaw({ id: 'good', routes: [{ path: '', component: Page }] }),
      markRaw({ id: 'bad', routes: [{ path: ':id(\\d+', component: Page }] }),
      markRaw({ id: 'later', routes: [{ path: '', component: Page }] }),
    ];
    await nextTick();
    expect(router.hasRoute('module:good')).toBe(true);
    expect(router.hasRoute('module:later')).toBe(true);
    expect(router.hasRoute('module:bad')).toBe(false);
    expect(faults).toEqual(['bad: true']);
    expect(router.resolve('/later').matched.map((r) => r.name)).toContain('module:later');
  });
});
