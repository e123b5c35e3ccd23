import { flowsEnv } from '../extensions/directus-env.js';
import type { Knex } from 'knex';
import { toErrorRecord } from '@annex/protocol';
import { systemAccountability, type Accountability } from '../auth/accountability.js';
import { FlowModel, FlowRunModel, OperationModel } from '../db/models.js';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import type { Scheduler } from '../events/scheduler.js';
import type { OperationRegistry } from '../extensions/registries.js';
import type { Logger } from '../logger.js';
import { getPath, renderOptions } from './templating.js';
import { flowChain as chain } from './chain.js';

const MAX_STEPS = 1000;
/** Flows a flow may start, in a chain (trigger operations, events its operations cause): how deep, and how many from one trigger. */
const MAX_CHAIN_DEPTH = 16;
const MAX_CHAIN_RUNS = 1000;

export interface FlowRunResult {
  status: 'resolved' | 'rejected';
  data: Record<string, unknown>;
  /** What the trigger's `return` option selects (`$last` by default). */
  result: unknown;
  runId: number;
}

interface StepLog {
  operation: string;
  key: string;
  type: string;
  status: 'resolve' | 'reject';
  options: unknown;
  data: unknown;
}

function selectReturn(flow: FlowModel, data: Record<string, unknown>): unknown {
  const ret = flow.options?.return;
  if (!ret || ret === '$last') return data.$last;
  if (ret === '$all') return data;
  return getPath(data, String(ret));
}

/** Keys whose values never go into a run's log (a trigger's `access_token`, a new user's `password`…). */
const SECRET_KEY =
  /pass(word|wd)?$|passwd|secret|token|authorization|cookie|api[_-]?key|private[_-]?key|credential|signature/i;

/** A copy of `value` for the run log, with secrets masked. */
function redact(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? '**********' : redact(v, depth + 1);
  return out;
}

function jsonSafe(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

/**
 * Runs flows: a trigger starts a chain of operations following resolve/reject links, with the
 * data chain `$trigger`, `$last`, `$accountability`, `$env` and one key per operation, `{{ }}`
 * option templating, and one log row per run.
 */
export function createFlowEngine(deps: {
  knex: Knex;
  emitter: Emitter;
  scheduler: Scheduler;
  operations: OperationRegistry;
  logger: Logger;
  /** The extensions' environment (directus-env.ts); `$env` holds what FLOWS_ENV_ALLOW_LIST names. */
  env: Readonly<Record<string, unknown>>;
  operationContext: () => Record<string, unknown>;
}) {
  const { knex, emitter, scheduler, operations, logger } = deps;
  let triggerDisposers: (() => void)[] = [];
  let flows = new Map<string, FlowModel>();

  /**
   * One run, as part of the chain that started it: a flow that triggers itself (directly, through
   * another flow, or through the items its operations write) stops at MAX_CHAIN_DEPTH nested runs
   * or MAX_CHAIN_RUNS in all, and each run first lets the event loop serve others.
   */
  async function execute(
    flow: FlowModel,
    trigger: unknown,
    accountability: Accountability | null,
  ): Promise<FlowRunResult> {
    const outer = chain.getStore();
    const depth = (outer?.depth ?? 0) + 1;
    const runs = outer?.runs ?? { n: 0 };
    runs.n++;
    if (depth > MAX_CHAIN_DEPTH)
      throw errors.UNPROCESSABLE_CONTENT({
        reason: `Flow "${flow.name}" was started ${MAX_CHAIN_DEPTH} flows deep (a flow that triggers itself?).`,
      });
    if (runs.n > MAX_CHAIN_RUNS)
      throw errors.UNPROCESSABLE_CONTENT({
        reason: `One trigger started more than ${MAX_CHAIN_RUNS} flow runs (a loop?).`,
      });
    await new Promise((resolve) => setImmediate(resolve));
    return chain.run({ depth, runs }, () => run(flow, trigger, accountability));
  }

  async function run(flow: FlowModel, trigger: unknown, accountability: Accountability | null): Promise<FlowRunResult> {
    const ops = new Map((await OperationModel.query(knex).where({ flow: flow.id })).map((o) => [o.id, o]));
    const data: Record<string, unknown> = {
      $trigger: trigger,
      $last: null,
      $accountability: accountability,
      $env: flowsEnv(deps.env),
    };
    const steps: StepLog[] = [];
    const [runId] = await knex('annex_flow_runs').insert(
      { flow: flow.id, status: 'running', trigger: flow.trigger, started: new Date().toISOString() },
      ['id'],
    );
    const id = typeof runId === 'object' ? (runId as { id: number }).id : (runId as number);
    let status: 'resolved' | 'rejected' = 'resolved';
    let current = flow.operation;
    let lastError: unknown = null;
    while (current) {
      if (steps.length >= MAX_STEPS) {
        status = 'rejected';
        lastError = errors.UNPROCESSABLE_CONTENT({
          reason: `Flow "${flow.name}" ran more than ${MAX_STEPS} operations (a loop?).`,
        });
        break;
      }
      const op = ops.get(current);
      if (!op) break;
      const options = renderOptions(op.options ?? {}, data);
      const entry = operations.get(op.type);
      let next: string | null;
      try {
        if (!entry)
          throw errors.UNPROCESSABLE_CONTENT({
            reason: `No operation "${op.type}" is registered (is its extension enabled?).`,
          });
        const result = jsonSafe(
          await entry.handler(options as Record<string, unknown>, {
            ...deps.operationContext(),
            data,
            accountability,
            flow,
            template: op.options ?? {},
          }),
        );
        data[op.key] = result;
        data.$last = result;
        steps.push({
          operation: op.id,
          key: op.key,
          type: op.type,
          status: 'resolve',
          options: redact(options),
          data: redact(result),
        });
        next = op.resolve;
        status = 'resolved';
      } catch (e) {
        const err = e instanceof Error ? { ...toErrorRecord(e), name: e.name } : jsonSafe(e);
        data[op.key] = err;
        data.$last = err;
        lastError = e;
        steps.push({
          operation: op.id,
          key: op.key,
          type: op.type,
          status: 'reject',
          options: redact(options),
          data: redact(err),
        });
        next = op.reject;
        status = 'rejected';
      }
      current = next;
    }
    await FlowRunModel.query(knex)
      .patch({
        status,
        finished: new Date().toISOString(),
        steps,
        error: status === 'rejected' ? toErrorRecord(lastError) : null,
      } as any)
      .where({ id });
    const result = selectReturn(flow, data);
    if (status === 'rejected') logger.debug({ flow: flow.id }, `flow ${flow.name} rejected`);
    return { status, data, result, runId: id };
  }

  function registerTriggers(flow: FlowModel): void {
    const o = flow.options ?? {};
    if (flow.trigger === 'event') {
      const scopes: string[] = Array.isArray(o.scope) ? o.scope : o.scope ? [o.scope] : [];
      const collections: string[] = Array.isArray(o.collections) ? o.collections : [];
      const events = scopes.flatMap((s) =>
        s.startsWith('items.') && collections.length ? collections.map((c) => `${c}.${s}`) : [s],
      );
      for (const event of events) {
        if (o.type === 'filter') {
          triggerDisposers.push(
            emitter.onFilter(
              event,
              async (payload, meta, context) => {
                const run = await execute(
                  flow,
                  { payload, event: meta.event, collection: meta.collection, keys: meta.keys },
                  (context?.accountability as Accountability) ?? null,
                );
                if (run.status === 'rejected') {
                  const err = run.data.$last as { message?: string; code?: string; status?: number };
                  throw errors.INVALID_PAYLOAD({
                    reason: err?.message ?? `Flow "${flow.name}" rejected the operation.`,
                  });
                }
                return o.return ? run.result : undefined;
              },
              `flow:${flow.id}`,
            ),
          );
        } else {
          triggerDisposers.push(
            emitter.onAction(
              event,
              async (meta, context) => {
                await execute(flow, { ...meta }, (context?.accountability as Accountability) ?? null);
              },
              `flow:${flow.id}`,
            ),
          );
        }
      }
    } else if (flow.trigger === 'schedule' && typeof o.cron === 'string') {
      try {
        triggerDisposers.push(
          scheduler.schedule(
            o.cron,
            () => execute(flow, {}, systemAccountability(`flow:${flow.id}`)),
            `flow:${flow.id}`,
          ),
        );
      } catch (e) {
        logger.warn({ err: e, flow: flow.id }, `flow ${flow.name} has an invalid cron`);
      }
    }
  }

  const engine = {
    /** (Re)reads active flows and registers their triggers; call after any flow/operation change. */
    async reload(): Promise<void> {
      for (const d of triggerDisposers) d();
      triggerDisposers = [];
      const rows = await FlowModel.query(knex).where({ status: 'active' });
      flows = new Map(rows.map((f) => [f.id, f]));
      for (const flow of rows) registerTriggers(flow);
    },

    /** Webhook / manual trigger: runs the flow and returns its `return` selection. */
    async trigger(
      id: string,
      trigger: 'webhook' | 'manual' | 'operation',
      input: Record<string, unknown>,
      accountability: Accountability | null,
    ): Promise<FlowRunResult | { async: true }> {
      const flow = flows.get(id);
      if (!flow || flow.trigger !== trigger) throw errors.FORBIDDEN();
      if (
        trigger === 'webhook' &&
        flow.options?.method &&
        input.method &&
        String(flow.options.method).toUpperCase() !== input.method
      )
        throw errors.FORBIDDEN();
      if (trigger === 'manual') {
        if (!accountability?.user && !accountability?.admin) throw errors.FORBIDDEN();
        const collections: string[] = flow.options?.collections ?? [];
        if (collections.length && !collections.includes(String(input.collection))) throw errors.FORBIDDEN();
      }
      if (flow.options?.async) {
        void execute(flow, input, accountability).catch((e) => logger.warn({ err: e }, 'async flow failed'));
        return { async: true };
      }
      return execute(flow, input, accountability);
    },

    /** Used by the `trigger` operation. */
    async runOperationFlow(id: string, payload: unknown, accountability: Accountability | null): Promise<unknown> {
      const flow = flows.get(id);
      if (!flow || flow.trigger !== 'operation') throw errors.FORBIDDEN();
      const run = await execute(flow, payload, accountability);
      if (run.status === 'rejected') throw run.data.$last;
      return run.result;
    },

    async runs(flowId: string, limit = 20): Promise<FlowRunModel[]> {
      return FlowRunModel.query(knex).where({ flow: flowId }).orderBy('id', 'desc').limit(limit);
    },

    /** The trigger type of an active flow (undefined when unknown or inactive). */
    kindOf: (id: string): string | undefined => flows.get(id)?.trigger ?? undefined,

    /** Re-registers triggers whenever flows or operations change (debounced). Returns the disposer. */
    watch(): () => void {
      let timer: NodeJS.Timeout | undefined;
      const schedule = () => {
        clearTimeout(timer);
        timer = setTimeout(() => void engine.reload().catch((e) => logger.warn({ err: e }, 'flow reload failed')), 20);
      };
      const offs = [emitter.onAction('flows.*', schedule), emitter.onAction('operations.*', schedule)];
      return () => {
        clearTimeout(timer);
        offs.forEach((off) => off());
      };
    },

    stop(): void {
      for (const d of triggerDisposers) d();
      triggerDisposers = [];
    },
    triggerCount: () => triggerDisposers.length,
  };
  return engine;
}

export type FlowEngine = ReturnType<typeof createFlowEngine>;
