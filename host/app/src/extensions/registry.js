import { markRaw, reactive } from 'vue';
import { pickConfigs } from '../../../dist/app-sources/pick.js';

const KINDS = ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations'];

/**
 * The app extensions the app knows, loaded chunk by chunk from the host's manifest: each chunk
 * registers as soon as it arrives, so a slow or broken one holds nothing up. `sync()` applies a
 * new manifest: unchanged chunks stay, changed ones are re-imported and swapped in place,
 * removed ones disappear. A chunk that fails to import is reported to the host and, if an
 * earlier version of it was loaded, that version stays.
 */
export function createRegistry({ api, timeoutMs = 10_000, boundaries = null }) {
  /** extension → { url, module, chunk, configs } */
  const loaded = new Map();
  const state = reactive({
    version: null,
    status: {},
    buildErrors: [],
    swaps: 0,
    faults: [],
    ...Object.fromEntries(KINDS.map((k) => [k, []])),
  });
  const listeners = new Set();

  function recompute() {
    const order = [...loaded.keys()].sort();
    for (const kind of KINDS) state[kind] = order.flatMap((ext) => loaded.get(ext).configs[kind]);
  }

  function pick(module, chunk) {
    const configs = pickConfigs(module, chunk);
    // Every component of every config renders inside its extension's error boundary.
    const wrap = (c, kind) => (boundaries ? boundaries.wrapConfig(c, kind.slice(0, -1), chunk.extension) : { ...c });
    for (const kind of KINDS)
      configs[kind] = configs[kind].map((c) => markRaw({ ...wrap(c, kind), __extension: chunk.extension }));
    return configs;
  }

  async function load(chunk) {
    const previous = loaded.get(chunk.extension);
    state.status[chunk.extension] = { state: 'loading', url: chunk.url, error: null, type: chunk.type };
    let timer;
    try {
      const module = await Promise.race([
        import(/* @vite-ignore */ chunk.url),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      loaded.set(chunk.extension, { url: chunk.url, module, chunk, configs: pick(module, chunk) });
      state.status[chunk.extension] = { state: 'loaded', url: chunk.url, error: null, type: chunk.type };
      if (previous) state.swaps++;
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      state.status[chunk.extension] = { state: 'failed', url: chunk.url, error: message, type: chunk.type };
      api.post('/extensions/sources/report', { extension: chunk.extension, url: chunk.url, message }).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
    recompute();
  }

  async function sync() {
    const manifest = (await api.get('/extensions/sources/manifest.json')).data.data;
    state.version = manifest.version;
    state.buildErrors = manifest.errors ?? [];
    const present = new Set(manifest.chunks.map((c) => c.extension));
    for (const ext of [...loaded.keys()]) if (!present.has(ext)) loaded.delete(ext);
    for (const ext of Object.keys(state.status)) if (!present.has(ext)) delete state.status[ext];
    recompute();
    await Promise.all(
      manifest.chunks.map(async (chunk) => {
        if (!chunk.url) {
          state.status[chunk.extension] = {
            state: 'failed',
            url: null,
            error: chunk.error?.message ?? 'build failed',
            type: chunk.type,
          };
          return;
        }
        const current = loaded.get(chunk.extension);
        if (current?.url === chunk.url) {
          // Same code, maybe other bundle entries enabled: pick again from the loaded module.
          if (JSON.stringify(current.chunk.entries) !== JSON.stringify(chunk.entries)) {
            current.chunk = chunk;
            current.configs = pick(current.module, chunk);
            recompute();
          }
          return;
        }
        await load(chunk);
      }),
    );
    emit('synced', manifest);
    return manifest;
  }

  /**
   * A component of a loaded extension failed (threw, or re-rendered in a loop): kept for the
   * app and reported to the host, which lists it in Settings → Extensions.
   * @param {{ extension: string, id: string, kind: string, code: string, message: string }} fault
   */
  function reportFault(fault) {
    state.faults.push({ ...fault, at: new Date().toISOString() });
    const url = loaded.get(fault.extension)?.url;
    if (!url) return;
    const phase = fault.code === 'APP_RENDER_LOOP' ? 'render-loop' : 'render';
    api
      .post('/extensions/sources/report', {
        extension: fault.extension,
        url,
        message: `${fault.kind} "${fault.id}": ${fault.message}`,
        phase,
      })
      .catch(() => {});
  }

  function emit(event, data) {
    for (const l of listeners) if (l.event === event) l.fn(data);
  }

  let source = null;
  let retry = null;
  /** Listens to the host's events: app extension changes are applied at once. */
  function connect() {
    disconnect();
    const token = api.token();
    if (!token) return;
    source = new EventSource(`/extensions/events?access_token=${encodeURIComponent(token)}`);
    source.addEventListener('hello', (e) => {
      const { version } = JSON.parse(e.data);
      if (state.version && version !== state.version) sync().catch(() => {});
      emit('connected', version);
    });
    source.addEventListener('app-extensions', (e) => {
      emit('app-extensions', JSON.parse(e.data));
      sync().catch(() => {});
    });
    source.addEventListener('extension-state', (e) => emit('extension-state', JSON.parse(e.data)));
    source.addEventListener('app-extension-error', (e) => emit('app-extension-error', JSON.parse(e.data)));
    source.addEventListener('install-progress', (e) => emit('install-progress', JSON.parse(e.data)));
    source.onerror = () => {
      // Reconnect with a fresh token: an API call refreshes an expired one first.
      disconnect();
      retry = setTimeout(async () => {
        await api.get('/users/me').catch(() => {});
        connect();
      }, 2000);
    };
  }
  function disconnect() {
    clearTimeout(retry);
    source?.close();
    source = null;
  }

  return {
    state,
    sync,
    reportFault,
    connect,
    disconnect,
    connected: () => source?.readyState === 1,
    /** Subscribes to 'synced', 'connected', 'app-extensions', 'extension-state', 'app-extension-error', 'install-progress'; returns the disposer. */
    on(event, fn) {
      const l = { event, fn };
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
