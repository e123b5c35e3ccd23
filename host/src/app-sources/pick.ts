/** What `pickConfigs` reads of a chunk: its type, and for a bundle the entries it may export. */
export interface PickChunk {
  type: string;
  /** `index`: the entry's position among the bundle's declared entries of its type. */
  entries: { name: string; type: string; index?: number }[] | null;
}

/**
 * The app extension configs a loaded chunk contributes, as the seven Directus arrays. A single
 * extension's chunk default-exports its config; a bundle's chunk exports the arrays, one config per
 * declared app entry of that type in declaration order (what Directus's bundle build emits), and
 * only the enabled entries are kept. A config's `id` need not equal its entry's name
 * (`sweetalert:button` for entry `interface`), so an entry takes the config whose id is its name,
 * else the config at its position among the bundle's entries of its type (`index`).
 * Self-contained (no imports, no helpers): its compiled source is inlined into the generated
 * /extensions/sources/index.js, and the admin app imports it too.
 */
export function pickConfigs(mod: Record<string, any>, chunk: PickChunk): Record<string, any[]> {
  const lists = ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations'];
  const out: Record<string, any[]> = {};
  for (const list of lists) out[list] = [];
  if (chunk.entries) {
    for (const entry of chunk.entries) {
      const list = entry.type + 's';
      const configs: any[] = Array.isArray(mod[list]) ? mod[list].filter((c: any) => c && typeof c === 'object') : [];
      if (!out[list]) continue;
      const config =
        configs.find((c) => c.id === entry.name) ??
        (typeof entry.index === 'number' ? configs[entry.index] : undefined);
      if (config && !out[list].includes(config)) out[list].push(config);
    }
  } else {
    const config =
      mod.default && typeof mod.default === 'object' && 'default' in mod.default ? mod.default.default : mod.default;
    const list = chunk.type + 's';
    if (config && out[list]) out[list].push(config);
  }
  return out;
}
