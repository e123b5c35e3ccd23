// @ts-check
/**
 * The flow editor's model, kept as Directus stores it: the flow's `operation` is the first
 * operation's id; each operation row has `resolve` and `reject` (the next operation's id or null)
 * and `position_x/position_y` (grid cells). Pure functions over a plain graph
 * `{operation, ops: {[id]: op}}`; the editor renders it and `planSave` says what to write.
 */

/** Grid cells between an operation and the next one placed after it. */
export const STEP_X = 20;
export const STEP_Y = 18;
const TRIGGER_POSITION = { x: 1, y: 1 };

/** Directus's operation columns the editor writes. */
const COLUMNS = ['name', 'key', 'type', 'position_x', 'position_y', 'options', 'resolve', 'reject', 'flow'];

/**
 * The graph of a stored flow and its operations (`GET /operations?filter[flow][_eq]=…`).
 * @param {{id: string, operation?: string | null}} flow
 * @param {Array<Record<string, any>>} operations
 */
export function fromStored(flow, operations) {
  /** @type {Record<string, any>} */
  const ops = {};
  for (const o of operations)
    ops[o.id] = {
      ...o,
      options: typeof o.options === 'string' ? JSON.parse(o.options || '{}') : (o.options ?? {}),
      resolve: o.resolve ?? null,
      reject: o.reject ?? null,
    };
  return { flow: flow.id, operation: flow.operation ?? null, ops };
}

/** A key no other operation of the graph uses (Directus keys name an operation's entry in the data chain). */
export function uniqueKey(graph, type) {
  const base = String(type).replace(/[^A-Za-z0-9]+/g, '_');
  const used = new Set(Object.values(graph.ops).map((o) => o.key));
  for (let n = 1; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** Who points at `id`: `{parent: null, path: 'operation'}` for the flow's first operation. */
function parentOf(graph, id) {
  if (graph.operation === id) return { parent: null, path: 'operation' };
  for (const o of Object.values(graph.ops)) {
    if (o.resolve === id) return { parent: o.id, path: 'resolve' };
    if (o.reject === id) return { parent: o.id, path: 'reject' };
  }
  return null;
}

/**
 * Adds an operation after `parentId` on its `path` (`'resolve'` or `'reject'`), or as the first
 * operation when `parentId` is null. An operation already there moves to the new one's resolve path.
 * @param {ReturnType<typeof fromStored>} graph
 * @param {string | null} parentId
 * @param {'resolve' | 'reject'} path
 * @param {{id: string, type: string, name?: string, key?: string, options?: Record<string, unknown>}} op
 */
export function addOperation(graph, parentId, path, op) {
  const parent = parentId ? graph.ops[parentId] : null;
  if (parentId && !parent) throw Object.assign(new Error(`No operation ${parentId}`), { code: 'INVALID_PAYLOAD' });
  const from = parent ? { x: parent.position_x, y: parent.position_y } : TRIGGER_POSITION;
  const before = parent ? parent[path] : graph.operation;
  const created = {
    id: op.id,
    flow: graph.flow,
    type: op.type,
    name: op.name ?? op.type,
    key: op.key ?? uniqueKey(graph, op.type),
    options: op.options ?? {},
    resolve: before ?? null,
    reject: null,
    position_x: from.x + STEP_X,
    position_y: from.y + (path === 'reject' ? STEP_Y : 0),
  };
  const ops = { ...graph.ops, [op.id]: created };
  if (parent) ops[parent.id] = { ...parent, [path]: op.id };
  return { ...graph, ops, operation: parent ? graph.operation : op.id };
}

/** Removes an operation; whatever pointed at it now points at its resolve operation. Operations left unreachable go too. */
export function removeOperation(graph, id) {
  const op = graph.ops[id];
  if (!op) return graph;
  const link = parentOf(graph, id);
  const ops = { ...graph.ops };
  delete ops[id];
  let operation = graph.operation;
  if (link?.path === 'operation') operation = op.resolve;
  else if (link) ops[link.parent] = { ...ops[link.parent], [link.path]: op.resolve };
  return prune({ ...graph, ops, operation });
}

/** Replaces the fields of one operation (name, key, options, position…). */
export function updateOperation(graph, id, patch) {
  if (!graph.ops[id]) return graph;
  return { ...graph, ops: { ...graph.ops, [id]: { ...graph.ops[id], ...patch, id } } };
}

/** Ids reachable from the flow's first operation, in the order a run could meet them (depth first, resolve before reject). */
export function reachable(graph) {
  const seen = [];
  const visit = (id) => {
    if (!id || seen.includes(id) || !graph.ops[id]) return;
    seen.push(id);
    visit(graph.ops[id].resolve);
    visit(graph.ops[id].reject);
  };
  visit(graph.operation);
  return seen;
}

function prune(graph) {
  const keep = new Set(reachable(graph));
  const ops = {};
  for (const [id, o] of Object.entries(graph.ops)) if (keep.has(id)) ops[id] = o;
  return { ...graph, ops };
}

function row(op) {
  const out = {};
  for (const k of COLUMNS) out[k] = op[k] ?? null;
  out.options = op.options ?? {};
  return out;
}

const same = (a, b) => JSON.stringify(row(a)) === JSON.stringify(row(b));

/**
 * What to write to store `graph` over `stored` (the graph as loaded): new rows (with their own
 * ids, links already set), changed rows, removed ids, and the flow's `operation`.
 * Order: delete, create, update, then the flow, so no link names a missing row once it is done.
 */
export function planSave(stored, graph) {
  const create = [];
  const update = [];
  for (const op of Object.values(graph.ops)) {
    const before = stored.ops[op.id];
    if (!before) create.push({ id: op.id, ...row(op) });
    else if (!same(before, op)) update.push({ id: op.id, ...row(op) });
  }
  const remove = Object.keys(stored.ops).filter((id) => !graph.ops[id]);
  return { remove, create, update, flow: stored.operation === graph.operation ? null : { operation: graph.operation } };
}
