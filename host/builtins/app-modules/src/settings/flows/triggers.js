// @ts-check
/**
 * Directus's flow triggers and the `options` each stores on directus_flows (event: type, scope,
 * collections; webhook: method, async, return; schedule: cron; manual: collections, location,
 * requireConfirmation, async; operation: return). `fields` drive the trigger form: `list` fields are
 * edited as comma-separated text and stored as arrays.
 */
export const TRIGGERS = {
  event: {
    name: 'Event hook',
    defaults: () => ({ type: 'action', scope: ['items.create'], collections: [] }),
    fields: [
      { key: 'type', label: 'Type', choices: ['action', 'filter'] },
      { key: 'scope', label: 'Scope (events)', list: true },
      { key: 'collections', label: 'Collections', list: true },
    ],
  },
  webhook: {
    name: 'Webhook',
    defaults: () => ({ method: 'POST', async: false, return: '$last' }),
    fields: [
      { key: 'method', label: 'Method', choices: ['GET', 'POST'] },
      { key: 'async', label: 'Asynchronous', boolean: true },
      { key: 'return', label: 'Response body', choices: ['$last', '$all'] },
    ],
  },
  schedule: {
    name: 'Schedule (cron)',
    defaults: () => ({ cron: '0 * * * *' }),
    fields: [{ key: 'cron', label: 'Interval (cron)' }],
  },
  manual: {
    name: 'Manual',
    defaults: () => ({ collections: [], location: 'both', requireConfirmation: false, async: false }),
    fields: [
      { key: 'collections', label: 'Collections', list: true },
      { key: 'location', label: 'Location', choices: ['both', 'item', 'collection'] },
      { key: 'async', label: 'Asynchronous', boolean: true },
    ],
  },
  operation: {
    name: 'Another flow',
    defaults: () => ({ return: '$last' }),
    fields: [{ key: 'return', label: 'Response body', choices: ['$last', '$all'] }],
  },
};

/** A list option from its comma-separated text. */
export function parseList(text) {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
