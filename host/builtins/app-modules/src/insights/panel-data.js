// @ts-check
// A panel's `query()` is Directus's: Directus runs it through GraphQL, where `group` is the
// `groupBy` argument and each grouped row comes back as `{ group: { <key>: value }, <fn>: { <field>: value } }`.
// Annex runs it through REST and hands the panel the same shape, so Directus's panels and the
// built-in ones read their data alike.

const CALL = /^([a-z]+)\(([^()]+)\)$/;

/** A group's key in the row: `year(date_created)` → `date_created_year`, as Directus names it. */
export function groupKey(group) {
  const m = CALL.exec(group);
  return m ? `${m[2]}_${m[1]}` : group;
}

/** The REST parameters of a panel query: `group` sent as `groupBy`. */
export function restQuery(query) {
  if (!query || query.group === undefined) return query;
  const { group, ...rest } = query;
  const groups = Array.isArray(group) ? group : [group];
  return { ...rest, groupBy: groups.filter(Boolean) };
}

/** The rows a panel receives: grouped aggregates as GraphQL answers them (the groups under `group`), others as REST does. */
export function panelRows(query, rows) {
  if (!query?.group || !query.aggregate || !Array.isArray(rows)) return rows;
  const keys = (Array.isArray(query.group) ? query.group : [query.group]).filter(Boolean).map(groupKey);
  return rows.map((row) => {
    const group = {};
    const out = { group };
    for (const [k, v] of Object.entries(row ?? {})) {
      if (keys.includes(k)) group[k] = v;
      else out[k] = v;
    }
    return out;
  });
}
