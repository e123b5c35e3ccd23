import { watch } from 'vue';

/**
 * Keeps the router's module routes equal to the registered module extensions: a module that
 * appears is routed under `/admin/<id>`, one that goes away is unrouted, one whose code changed
 * is replaced — and the current page re-resolves, without a page reload.
 */
export function syncModuleRoutes(router, registry, allowed = () => true, onFault = () => {}) {
  const routed = new Map(); // module id → config
  return watch(
    () => registry.state.modules.filter(allowed),
    (modules) => {
      const changed = new Set(); // module ids removed or replaced
      const ids = new Set(modules.map((m) => m.id));
      for (const [id] of routed) {
        if (ids.has(id)) continue;
        router.removeRoute(`module:${id}`);
        routed.delete(id);
        changed.add(id);
      }
      for (const m of modules) {
        if (routed.get(m.id) === m) continue;
        if (routed.has(m.id)) {
          router.removeRoute(`module:${m.id}`);
          changed.add(m.id);
        }
        try {
          router.addRoute('shell', {
            path: m.id,
            name: `module:${m.id}`,
            meta: { module: m.id },
            children: m.routes ?? [],
          });
          routed.set(m.id, m);
        } catch (e) {
          // Routes the router refuses (a malformed path) leave this module out, never the others.
          if (router.hasRoute(`module:${m.id}`)) router.removeRoute(`module:${m.id}`);
          onFault(m, e);
        }
      }
      // Re-resolve the current page only when it was unroutable or its own module changed.
      const current = router.currentRoute.value;
      if (current.name === 'not-found' || current.matched.some((r) => changed.has(r.meta?.module))) {
        router.replace({ path: current.fullPath, force: true }).catch(() => {});
      }
    },
    // Synchronous, so a navigation guard that just loaded the extensions resolves against them.
    { immediate: true, flush: 'sync' },
  );
}
