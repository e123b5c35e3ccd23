import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { SchemaOverview } from '../types/schema.js';
import { errorResponse, type DispatchRequest, type HarnessResponse } from './model.js';

/*
 * The harness runs a trusted endpoint on a real `express.Router()` inside a real Express app on
 * a loopback port, as the host does: what passes here passes behind Annex and Directus. The
 * request's accountability and body reach Express in memory (keyed by a one-time header), so
 * tests need no token and bodies keep their types.
 */

const HEADER = 'x-annex-harness';
const UNROUTED = 'x-annex-harness-unrouted';

function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Directus's `req.sanitizedQuery` for the harness: `{}` for no query, else the parsed keys with `fields` defaulting to `*`. */
export function harnessSanitizedQuery(query: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(query).length === 0) return Object.freeze({});
  const q: Record<string, unknown> = { fields: list(query.fields || '*') };
  if (query.filter !== undefined) q.filter = parsed(query.filter);
  if (query.sort !== undefined) q.sort = list(query.sort);
  for (const k of ['limit', 'offset', 'page'] as const) if (query[k] !== undefined) q[k] = Number(query[k]);
  if (typeof query.search === 'string') q.search = query.search;
  if (query.meta !== undefined) q.meta = list(query.meta);
  for (const k of ['deep', 'alias', 'aggregate'] as const) if (query[k] !== undefined) q[k] = parsed(query[k]);
  if (query.groupBy !== undefined) q.groupBy = list(query.groupBy);
  return Object.freeze(q);
}

/** A real Express router for one endpoint mounted at `mount`, and how the harness calls it. */
export function createHarnessRouter(mount: string, getSchema: () => SchemaOverview) {
  const router = express.Router();
  const app = express();
  app.disable('x-powered-by');
  const inputs = new Map<string, DispatchRequest>();
  app.use((req, _res, next) => {
    const input = inputs.get(String(req.headers[HEADER]));
    delete req.headers[HEADER];
    const r = req as unknown as Record<string, unknown>;
    r.accountability = input?.accountability ?? null;
    r.schema = getSchema();
    r.token = null;
    r.body = input?.body ?? {};
    r._body = true;
    r.sanitizedQuery = harnessSanitizedQuery(req.query as Record<string, unknown>);
    next();
  });
  app.use(mount, router);
  // Nothing under the mount answered: the harness reports ROUTE_NOT_FOUND.
  app.use((_req, res) => void res.set(UNROUTED, '1').status(404).end());
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const { status, body } = errorResponse(error);
    res.status(status).json(body);
  });
  let server: http.Server | undefined;
  let listening: Promise<number> | undefined;
  const port = () =>
    (listening ??= new Promise<number>((resolve, reject) => {
      server = http.createServer(app);
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    }));

  async function handle(input: DispatchRequest): Promise<HarnessResponse | null> {
    const id = randomUUID();
    inputs.set(id, input);
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(input.query))
      for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
    const url = `http://127.0.0.1:${await port()}${mount === '/' ? '' : mount}${input.path}${search.size ? `?${search}` : ''}`;
    try {
      const res = await fetch(url, {
        method: input.method,
        headers: { ...input.headers, [HEADER]: id },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.headers.get(UNROUTED)) return null;
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) headers[k] = v;
      });
      const text = await res.text();
      const json = /\bjson\b/.test(headers['content-type'] ?? '');
      return { status: res.status, headers, body: json && text ? JSON.parse(text) : text || undefined };
    } catch (error) {
      if ((error as { name?: string }).name !== 'TimeoutError') throw error;
      return {
        status: 504,
        headers: {},
        body: {
          errors: [
            {
              message: 'The handler never responded (no res.send/json/end within 10s)',
              extensions: { code: 'SDK_HARNESS_TIMEOUT' },
            },
          ],
        },
      };
    } finally {
      inputs.delete(id);
    }
  }

  async function close(): Promise<void> {
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }

  return { router, handle, close };
}
