// The floor under `POST /items/:collection` (bench/writes.js): a bare node:http server doing only
// the database work an Annex create does on SQLite, on a copy of the host's tables and pragmas.
// Per request: read and parse the JSON body, look the bearer token up, read the user with its
// role, then BEGIN IMMEDIATE, the item's insert RETURNING *, its activity row, its revision row,
// COMMIT, and answer `{ data: row }`. No framework, no permission check, no hook crossing (the
// `stamped` collection's filter runs as a plain function call). What Annex spends over this is
// what its HTTP stack, services and sandbox cost; the floor is what no host could avoid.
//
// Environment: FLOOR_SOURCE_DB (the host's database: tables and the users and roles are copied),
// FLOOR_DB (a new file), FLOOR_TOKEN and FLOOR_USER (the bearer token the bench sends and its user).
import http from 'node:http';
import Database from 'better-sqlite3';

const { FLOOR_SOURCE_DB, FLOOR_DB, FLOOR_TOKEN, FLOOR_USER } = process.env;
const TABLES = ['directus_roles', 'directus_users', 'directus_activity', 'directus_revisions', 'plain', 'stamped'];

const db = new Database(FLOOR_DB);
// The host's pragmas (host/src/db/connection.ts).
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const source = new Database(FLOOR_SOURCE_DB, { readonly: true });
const marks = TABLES.map(() => '?').join(', ');
const ddl = source
  .prepare(`select type, sql from sqlite_master where tbl_name in (${marks}) and sql is not null`)
  .all(...TABLES);
// Tables before their indexes.
for (const { sql } of ddl.sort((a, b) => (a.type === 'table' ? 0 : 1) - (b.type === 'table' ? 0 : 1))) db.exec(sql);
for (const table of ['directus_roles', 'directus_users']) {
  const rows = source.prepare(`select * from ${table}`).all();
  if (!rows.length) continue;
  const columns = Object.keys(rows[0]);
  const insert = db.prepare(
    `insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
  for (const row of rows) insert.run(...columns.map((c) => row[c]));
}
source.close();

const tokens = new Map([[`Bearer ${FLOOR_TOKEN}`, FLOOR_USER]]);
const readUser = db.prepare(
  'select u.id, u.role, u.status, r.admin_access, r.app_access from directus_users u left join directus_roles r on r.id = u.role where u.id = ? limit 1',
);
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');
const inserts = Object.fromEntries(
  ['plain', 'stamped'].map((c) => [c, db.prepare(`insert into "${c}" ("text") values (?) returning *`)]),
);
const activity = db.prepare(
  'insert into directus_activity (action, collection, item, user, ip, user_agent, origin, timestamp, details) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
);
const revision = db.prepare(
  'insert into directus_revisions (activity, collection, item, data, delta) values (?, ?, ?, ?, ?)',
);
const filters = { plain: (p) => p, stamped: (p) => ({ ...p, text: `${p.text}+` }) };

function create(collection, payload, user, ip) {
  const row = filters[collection](payload);
  begin.run();
  try {
    const inserted = inserts[collection].get(row.text);
    const item = String(inserted.id);
    const { id } = activity.get('create', collection, item, user, ip, null, null, new Date().toISOString(), null);
    revision.run(id, collection, item, JSON.stringify(inserted), JSON.stringify(row));
    commit.run();
    return inserted;
  } catch (error) {
    rollback.run();
    throw error;
  }
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const collection = req.url.startsWith('/items/') ? req.url.slice(7) : '';
  const user = tokens.get(req.headers.authorization);
  if (req.method !== 'POST' || !inserts[collection] || !user) return answer(res, 404, { errors: [] });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const account = readUser.get(user);
      if (!account || account.status !== 'active') return answer(res, 401, { errors: [] });
      answer(res, 200, {
        data: create(collection, JSON.parse(Buffer.concat(chunks).toString('utf8')), user, req.socket.remoteAddress),
      });
    } catch {
      answer(res, 400, { errors: [] });
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
