/**
 * Entry of a sandbox worker process (started by the process engine with --no-node-snapshot).
 * It hosts isolates and forwards everything that leaves them to the parent over IPC; the
 * parent checks scopes and arguments and owns every capability. If this process dies, only
 * the isolates it hosts are lost; the parent restarts it and loads them again.
 */
import { toErrorRecord } from '@annex/protocol';
import { IsolateSandbox } from '../isolate/sandbox.js';
import { createOutbox, IPC_HOLD_MS } from '../process/outbox.js';
import { ENTRY_NOTE_ENV, openEntryNote } from '../process/entry-note.js';
import type { FromWorker, ToWorker } from './messages.js';

const sandboxes = new Map<string, IsolateSandbox>();
const note = openEntryNote(process.env[ENTRY_NOTE_ENV]);
/** Whether the note names an entry now (so a call's end, which was not noted, writes nothing). */
let noted = false;

/* Answers leave at the latest 0.1 ms after the first of a batch, so the parent starts answering HTTP while this worker goes on. */
const outbox = createOutbox<FromWorker>(
  (batch) => {
    try {
      if (process.connected) process.send!(batch);
    } catch {
      /* the parent is gone; 'disconnect' ends this process */
    }
  },
  { holdMs: IPC_HOLD_MS },
);

function send(message: FromWorker): void {
  outbox.push(message);
}

function load(rid: number, key: string, msg: Extract<ToWorker, { t: 'load' }>): void {
  sandboxes.get(key)?.dispose();
  const sandbox: IsolateSandbox = new IsolateSandbox(msg.spec, msg.limits, {
    capability: (id, name, args, token) => send({ t: 'cap', key, id, name, args, token }),
    fire: (name, args) => send({ t: 'fire', key, name, args }),
    log: (level, message) => send({ t: 'log', key, level, message }),
    event: (event) => send({ t: 'event', key, event }),
    // Calls are attributed by the parent (the calls in flight, replayed one by one); the note names
    // what no call accounts for (module top level, timers, continuations) and stays off the call path.
    entry: (kind) => {
      if (kind === 'call') return;
      if (kind !== null) {
        noted = true;
        note.enter(key, kind);
      } else if (noted) {
        noted = false;
        note.leave();
      }
    },
    catastrophic: (message) => {
      /* isolated-vm: the process must not go on; tell the parent who it was, then abort. */
      const abort = () => process.abort();
      outbox.flush();
      if (process.connected) process.send!([{ t: 'fatal', key, message }], undefined, {}, abort);
      setTimeout(abort, 200);
    },
  });
  try {
    const registrations = sandbox.load();
    sandboxes.set(key, sandbox);
    send({ t: 'loaded', rid, ok: true, registrations });
  } catch (err) {
    sandbox.dispose();
    send({ t: 'loaded', rid, ok: false, error: toErrorRecord(err, 'RT_LOAD_FAILED') });
  }
}

function handle(msg: ToWorker): void {
  switch (msg.t) {
    case 'load':
      return load(msg.rid, msg.key, msg);
    case 'call': {
      const sandbox = sandboxes.get(msg.key);
      if (!sandbox) {
        send({
          t: 'result',
          cid: msg.cid,
          outcome: {
            ok: false,
            error: { code: 'RT_DISPOSED', message: 'Extension instance was disposed', status: 503 },
            fromExtension: false,
          },
          cpuMs: 0,
        });
        return;
      }
      sandbox.start(msg.handler, msg.args, msg.acc, msg.jb === true, (outcome) =>
        send({ t: 'result', cid: msg.cid, outcome, cpuMs: sandbox.cpuMs() }),
      );
      return;
    }
    case 'capres':
      sandboxes.get(msg.key)?.resolveCapability(msg.id, msg.ok, msg.value);
      return;
    case 'dispose':
      sandboxes.get(msg.key)?.dispose();
      sandboxes.delete(msg.key);
      return;
    case 'count':
      send({ t: 'count', rid: msg.rid, n: [...sandboxes.values()].filter((s) => s.isAlive()).length });
      return;
    case 'ping':
      send({ t: 'pong' });
      return;
  }
}

process.on('message', (batch: ToWorker[]) => {
  for (const msg of batch) handle(msg);
});
process.on('disconnect', () => process.exit(0));

/**
 * Ctrl-C in a terminal and a service manager's SIGTERM reach every process of the group at once.
 * The parent decides when this worker ends (it disconnects once its engine closes), so such a
 * signal only arms a deadline; without it a host shutdown would look like worker crashes and
 * fail the calls still in flight.
 */
const SIGNAL_GRACE_MS = 10_000;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => setTimeout(() => process.exit(0), SIGNAL_GRACE_MS).unref());
}

setInterval(() => {
  const items = [...sandboxes].map(([key, s]) => ({ key, ...s.snapshot() }));
  if (items.length) send({ t: 'stats', items });
}, 1000).unref();

send({ t: 'ready' });
