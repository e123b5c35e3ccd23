import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import { skipWithout } from '../helpers/requires.js';
import { startHost, type TestHost } from '../helpers/host.js';

const corpus = ensureCorpus();

describe.skipIf(skipWithout('the npm registry (compat corpus)', corpus.reason))(
  '@directus-labs/liquidjs-operation runs unchanged in the sandbox',
  () => {
    let t: TestHost;
    beforeAll(async () => {
      const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compat-'));
      t = await startHost({ extensions: [extractCorpusPackage('@directus-labs/liquidjs-operation', stage)] });
    });
    afterAll(() => t?.close());

    const run = (options: Record<string, unknown>) => {
      const op = t.host.kernel.operations.get('liquidjs-operation');
      if (!op) throw new Error('liquidjs-operation is not registered');
      return op.handler(options, { data: {}, accountability: null });
    };

    it('is sandboxed and active', async () => {
      const status = (await t.api('GET', '/extensions/@directus-labs%2Fliquidjs-operation/status')).body.data;
      expect(status.state).toBe('active');
      expect(status.metrics.sandbox).toHaveLength(1);
    });

    it('renders a single template', async () => {
      const out = await run({
        mode: 'custom',
        operationMode: 'single',
        template: 'Hello, {# name #}!{% if admin %} (admin){% endif %}',
        data: { name: 'Ada', admin: true },
        publicUrl: 'http://localhost:8055/',
      });
      expect(out).toEqual({ template: 'Hello, Ada! (admin)' });
    });

    it('renders a batch with dataReturnFields', async () => {
      const out = await run({
        mode: 'custom',
        operationMode: 'batch',
        template: '{# n | times: 2 #}',
        data: [{ n: 1 }, { n: 21 }],
        dataReturnFields: ['n'],
        publicUrl: 'http://localhost:8055/',
      });
      expect(out).toEqual([
        { n: 1, template: '2' },
        { n: 21, template: '42' },
      ]);
    });

    it('rejects array data in single mode with its own message', async () => {
      await expect(
        run({
          mode: 'custom',
          operationMode: 'single',
          template: 'x',
          data: [{ a: 1 }],
          publicUrl: 'http://localhost:8055/',
        }),
      ).rejects.toMatchObject({
        message: expect.stringContaining('Single operation mode expects a single data object, not an array'),
      });
    });

    it('runs inside a flow', async () => {
      const flow = await t.api('POST', '/flows', {
        name: 'liquid',
        status: 'active',
        trigger: 'webhook',
        options: { method: 'POST' },
      });
      const op = await t.api('POST', '/operations', {
        flow: flow.body.data.id,
        key: 'render',
        type: 'liquidjs-operation',
        options: {
          mode: 'custom',
          operationMode: 'single',
          template: 'Hi {# who #}',
          data: { who: '{{ $trigger.body.who }}' },
          publicUrl: 'http://localhost:8055/',
        },
      });
      await t.api('PATCH', `/flows/${flow.body.data.id}`, { operation: op.body.data.id });
      await t.host.kernel.flows.reload();
      const res = await t.api('POST', `/flows/trigger/${flow.body.data.id}`, { who: 'Lin' });
      expect(res.body.data).toEqual({ template: 'Hi Lin' });
    });
  },
);
