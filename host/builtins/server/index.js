// @ts-check
import { asyncHandler, errors } from '@annex/host/builtins-support';

/** Server routes (Directus shapes): ping, info, health, plus Prometheus metrics for extensions. */
export default {
  id: 'server',
  handler(router, context) {
    const kernel = context.kernel;
    router.get('/ping', (_req, res) => {
      res.set('Content-Type', 'text/plain; charset=utf-8');
      res.send('pong');
    });
    router.get(
      '/info',
      asyncHandler(async (req, res) => {
        const info = await new context.services.ServerService({ accountability: req.accountability }).serverInfo();
        if (!('version' in info)) return res.json({ data: info });
        res.json({ data: { ...info, annex: { version: '0.1.0', sandbox: kernel.config.sandbox.engine } } });
      }),
    );
    router.get(
      '/health',
      asyncHandler(async (req, res) => {
        const checks = {};
        let status = 'ok';
        const start = performance.now();
        try {
          await kernel.knex.raw('select 1');
          checks['database:responseTime'] = [
            { status: 'ok', observedValue: +(performance.now() - start).toFixed(2), observedUnit: 'ms' },
          ];
        } catch {
          checks['database:responseTime'] = [{ status: 'error' }];
          status = 'error';
        }
        const records = kernel.extensions.records();
        const failed = records
          .filter((r) => r.state === 'failed' || r.state === 'quarantined')
          .map((r) => r.desc?.id ?? r.found.folder);
        const required = kernel.extensions.failedRequired();
        checks['extensions:failed'] = [
          {
            status: required.length ? 'error' : failed.length ? 'warn' : 'ok',
            observedValue: failed.length,
            ids: failed,
          },
        ];
        if (required.length && status === 'ok') status = 'warn';
        // The host still serves without these, so they only warn.
        const degraded = (name, outcome, extra = {}) => {
          checks[name] = [
            { status: outcome.ok ? 'ok' : 'warn', ...extra, ...(outcome.ok ? {} : { output: outcome.reason }) },
          ];
          if (!outcome.ok && status === 'ok') status = 'warn';
        };
        degraded('storage:writable', await kernel.storage.check(), { observedValue: kernel.config.files.root });
        degraded('email:connection', await kernel.mailer.check(2000), { observedValue: kernel.mailer.transport });
        if (kernel.cluster.shared)
          degraded(
            'cluster:listening',
            kernel.cluster.listening
              ? { ok: true }
              : { ok: false, reason: 'not listening to the other hosts (reconnecting)' },
          );
        res.status(status === 'error' ? 503 : 200).set('Content-Type', 'application/health+json');
        res.json(req.accountability?.admin ? { status, checks } : { status });
      }),
    );
    router.get(
      '/hosts',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.admin) throw errors.FORBIDDEN();
        res.json({ data: await kernel.cluster.hosts() });
      }),
    );
    // The mail outbox: what was sent, what waits for a retry and what failed (bodies stay in the database).
    router.get(
      '/outbox',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.admin) throw errors.FORBIDDEN();
        const int = (v) => (v === undefined ? undefined : /^\d+$/.test(String(v)) ? Number(v) : NaN);
        res.json({
          data: await kernel.mailer.list({
            status: req.query.status,
            limit: int(req.query.limit),
            offset: int(req.query.offset),
          }),
        });
      }),
    );
    router.post(
      '/outbox/:id/retry',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.admin) throw errors.FORBIDDEN();
        if (!/^\d+$/.test(req.params.id)) throw errors.FORBIDDEN();
        res.json({ data: await kernel.mailer.retry(Number(req.params.id)) });
      }),
    );
    router.get(
      '/metrics',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.admin) throw errors.FORBIDDEN();
        const lines = [
          '# HELP annex_extension_calls_total Calls handled by an extension',
          '# TYPE annex_extension_calls_total counter',
        ];
        const errorLines = [
          '# HELP annex_extension_errors_total Calls that failed',
          '# TYPE annex_extension_errors_total counter',
        ];
        const wall = [
          '# HELP annex_extension_wall_seconds_total Wall time spent in calls',
          '# TYPE annex_extension_wall_seconds_total counter',
        ];
        const state = [
          '# HELP annex_extension_active 1 when the extension is active',
          '# TYPE annex_extension_active gauge',
        ];
        for (const r of kernel.extensions.records()) {
          const id = JSON.stringify(r.desc?.id ?? r.found.folder);
          const g = r.scope?.gen;
          lines.push(`annex_extension_calls_total{extension=${id}} ${r.totals.calls + (g?.calls ?? 0)}`);
          errorLines.push(`annex_extension_errors_total{extension=${id}} ${r.totals.errors + (g?.errors ?? 0)}`);
          wall.push(
            `annex_extension_wall_seconds_total{extension=${id}} ${((r.totals.wallTimeMs + (g?.wallTimeMs ?? 0)) / 1000).toFixed(6)}`,
          );
          state.push(`annex_extension_active{extension=${id},state="${r.state}"} ${r.state === 'active' ? 1 : 0}`);
        }
        const sandbox = [];
        for (const r of kernel.extensions.records()) {
          for (const inst of r.instances) {
            const s = inst.stats();
            const id = JSON.stringify(inst.id);
            sandbox.push(`annex_sandbox_cpu_seconds_total{extension=${id}} ${(s.cpuTimeMs / 1000).toFixed(6)}`);
            sandbox.push(`annex_sandbox_heap_bytes{extension=${id}} ${s.heapUsedBytes}`);
            sandbox.push(`annex_sandbox_timeouts_total{extension=${id}} ${s.timeouts}`);
            sandbox.push(`annex_sandbox_faults_total{extension=${id}} ${s.faults}`);
          }
        }
        res.set('Content-Type', 'text/plain; version=0.0.4');
        res.send([...lines, ...errorLines, ...wall, ...state, ...sandbox].join('\n') + '\n');
      }),
    );
  },
};
