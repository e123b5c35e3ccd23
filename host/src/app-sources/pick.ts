/** What `pickConfigs` reads of a chunk: its type, and for a bundle the entries it may export. */
export interface PickChunk {
  type: string;
  entries: { name: string; type: string }[] | null;
}

/**
 * The app extension configs a loaded chunk contributes, as the seven Directus arrays. A single
 * extension's chunk default-exports its config; a bundle's chunk exports the arrays and only the
 * enabled entries (by `id` = entry name) are kept. Self-contained (no imports, no helpers): its
 * compiled source is inlined into the generated /extensions/sources/index.js, and the admin app
 * imports it too.
 */
export function pickConfigs(mod: Record<string, any>, chunk: PickChunk): Record<string, any[]> {
  const lists = ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations'];
  const out: Record<string, any[]> = {};
  for (const list of lists) out[list] = [];
  if (chunk.entries) {
    const names = new Set(chunk.entries.map((e) => e.name));
    for (const list of lists) {
      const configs = Array.isArray(mod[list]) ? mod[list] : [];
      out[list] = configs.filter((c: any) => c && names.has(c.id));
    }
  } else {
    const config = mod.default && typeof mod.default === 'object' && 'default' in mod.default ? mod.default.default : mod.default;
    const list = chunk.type + 's';
    if (config && out[list]) out[list].push(config);
  }
  return out;
}
