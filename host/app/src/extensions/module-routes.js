import { watch } from 'vue';

/**
 * Keeps the router's module routes equal to the registered module extensions: a module that
 * appears is routed under `/admin/<id>`, one that goes away is unrouted, one whose code changed
 * is replaced — and the current page re-resolves, without a page reload.
 */
export function syncModuleRoutes(router, registry, allowed = () => true) {
  const routed = new Map(); // module id → config
  return watch(
    () => registry.state.modules.filter(allowed),
    (modules) => {
      let touched = false;
      const ids = new Set(modules.map((m) => m.id));
      for (const [id] of routed) {
        if (ids.has(id)) continue;
        router.removeRoute(`module:${id}`);
        routed.delete(id);
        touched = true;
      }
      for (const m of modules) {
        if (routed.get(m.id) === m) continue;
        if (routed.has(m.id)) router.removeRoute(`module:${m.id}`);
        router.addRoute('shell', { path: m.id, name: `module:${m.id}`, meta: { module: m.id }, children: m.routes ?? [] });
        routed.set(m.id, m);
        touched = true;
      }
      if (touched) {
        const current = router.currentRoute.value;
        const stale = current.name === 'not-found' || current.matched.some((r) => r.meta?.module && !routed.has(r.meta.module)) || current.matched.some((r) => r.meta?.module && routed.get(r.meta.module) !== modules.find((m) => m.id === r.meta.module));
        if (stale || current.meta?.module) router.replace({ path: current.fullPath, force: true }).catch(() => {});
      }
    },
    // Synchronous, so a navigation guard that just loaded the extensions resolves against them.
    { immediate: true, flush: 'sync' },
  );
}
