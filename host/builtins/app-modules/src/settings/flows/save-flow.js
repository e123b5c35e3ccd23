// @ts-check
import { planSave } from './flow-graph.js';

/**
 * Writes the edited flow and its operation graph in one request, as Directus's editor does: one
 * `PATCH /flows/:id` with the flow's fields, its first operation, and `operations` as nested
 * `{create, update, delete}`. The host writes it in one transaction, so an event never runs the
 * flow half saved (its first operation not yet written, a link to a removed one). Operation ids
 * are made in the app, so links between new operations are written with them.
 * @param {{patch: Function}} api a `useApi()`-shaped client
 * @param {any} stored the graph as loaded
 * @param {any} graph the graph as edited
 * @param {Record<string, unknown>} [fields] the flow's own fields to save with it (name, status, trigger, options)
 */
export async function saveFlowGraph(api, stored, graph, fields = {}) {
  const plan = planSave(stored, graph);
  await api.patch(`/flows/${graph.flow}`, {
    ...fields,
    ...(plan.flow ?? {}),
    operations: { create: plan.create, update: plan.update, delete: plan.remove },
  });
  return plan;
}
