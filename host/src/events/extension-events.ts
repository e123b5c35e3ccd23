import type { Emitter } from './emitter.js';
import type { ExtensionManager } from '../extensions/manager.js';

/**
 * Directus's `extensions.load` (after the boot load), `extensions.reload` (one extension came or
 * went afterwards: `{extensions, added, removed}`) and `extensions.unload` (at shutdown), derived
 * from the manager's state changes. Returns the functions the host calls and the disposer.
 */
export function linkExtensionEvents(emitter: Emitter, manager: Pick<ExtensionManager, 'records' | 'onChange'>) {
  const active = () =>
    manager
      .records()
      .filter((r) => r.state === 'active' && r.desc)
      .map((r) => r.desc!.id);
  let loaded = false;
  const was = new Map<string, string>();
  const off = manager.onChange((change) => {
    // Only settled states count: active → deactivating → inactive is one removal.
    if (change.state === 'activating' || change.state === 'deactivating') return;
    const before = was.get(change.id);
    was.set(change.id, change.state);
    if (!loaded) return;
    const added = change.state === 'active' && before !== 'active' ? [change.id] : [];
    const removed = before === 'active' && change.state !== 'active' ? [change.id] : [];
    if (added.length || removed.length)
      void emitter.emitAction('extensions.reload', { extensions: active(), added, removed });
  });
  return {
    loaded(): void {
      loaded = true;
      for (const r of manager.records()) if (r.desc) was.set(r.desc.id, r.state);
      void emitter.emitAction('extensions.load', { extensions: active() });
    },
    unloading(): Promise<void> {
      loaded = false;
      return emitter.emitAction('extensions.unload', { extensions: active() });
    },
    dispose: off,
  };
}
