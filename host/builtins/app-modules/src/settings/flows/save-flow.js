// @ts-check
import { planSave } from './flow-graph.js';

/**
 * Writes the edited flow graph through the REST API (`useApi()`-shaped client): removed
 * operations first, new ones (links included: ids are made in the app, as Directus's editor
 * does), changed ones, then the flow's first operation.
 * @param {{post: Function, patch: Function, delete: Function}} api
 * @param {any} stored the graph as loaded
 * @param {any} graph the graph as edited
 */
export async function saveFlowGraph(api, stored, graph) {
  const plan = planSave(stored, graph);
  // The flow stops pointing at an operation before that operation goes.
  if (plan.flow && plan.flow.operation === null) await api.patch(`/flows/${graph.flow}`, plan.flow);
  for (const id of plan.remove) await api.delete(`/operations/${id}`);
  // New rows are created without links, then linked, so a link never names a row not yet written.
  for (const op of plan.create) await api.post('/operations', { ...op, resolve: null, reject: null });
  for (const { id, ...op } of [...plan.create.filter((o) => o.resolve || o.reject), ...plan.update])
    await api.patch(`/operations/${id}`, op);
  if (plan.flow && plan.flow.operation !== null) await api.patch(`/flows/${graph.flow}`, plan.flow);
  return plan;
}
