import type { SandboxStats } from '../types.js';

const METRICS: { name: string; help: string; type: 'counter' | 'gauge'; value: (s: SandboxStats) => number }[] = [
  { name: 'annex_sandbox_calls_total', help: 'Handler calls.', type: 'counter', value: (s) => s.calls },
  { name: 'annex_sandbox_errors_total', help: 'Handler calls that failed.', type: 'counter', value: (s) => s.errors },
  {
    name: 'annex_sandbox_timeouts_total',
    help: 'Handler calls that hit a CPU or wall-clock limit.',
    type: 'counter',
    value: (s) => s.timeouts,
  },
  {
    name: 'annex_sandbox_faults_total',
    help: 'Faults (timeouts, memory, crashes) counted towards quarantine.',
    type: 'counter',
    value: (s) => s.faults,
  },
  {
    name: 'annex_sandbox_cpu_seconds_total',
    help: 'CPU time spent in the isolate.',
    type: 'counter',
    value: (s) => s.cpuTimeMs / 1000,
  },
  {
    name: 'annex_sandbox_wall_seconds_total',
    help: 'Wall time of handler calls.',
    type: 'counter',
    value: (s) => s.wallTimeMs / 1000,
  },
  { name: 'annex_sandbox_heap_used_bytes', help: 'Isolate heap in use.', type: 'gauge', value: (s) => s.heapUsedBytes },
  { name: 'annex_sandbox_in_flight', help: 'Calls in flight.', type: 'gauge', value: (s) => s.inFlight },
  {
    name: 'annex_sandbox_quarantined',
    help: '1 when the extension is quarantined.',
    type: 'gauge',
    value: (s) => (s.quarantined ? 1 : 0),
  },
];

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Prometheus text exposition (format 0.0.4) of per-extension sandbox stats, keyed by extension id. */
export function formatPrometheus(statsById: Record<string, SandboxStats> | Map<string, SandboxStats>): string {
  const entries = statsById instanceof Map ? [...statsById] : Object.entries(statsById);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  for (const m of METRICS) {
    lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`);
    for (const [id, stats] of entries)
      lines.push(`${m.name}{extension="${label(id)}"} ${Number(m.value(stats).toFixed(6))}`);
  }
  return lines.join('\n') + '\n';
}
