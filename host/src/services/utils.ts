import type { Accountability } from '../auth/accountability.js';
import { grantsField } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { ItemsKernel } from './items.js';

export type PrimaryKey = string | number;

const isKey = (v: unknown): v is PrimaryKey =>
  (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

/**
 * Directus's `UtilsService.sort`: moves `item` to the place of `to` in the collection's manual
 * order (its sort field), shifting the rows in between by one, then emits `items.sort`.
 */
export async function sortItems(
  kernel: ItemsKernel,
  accountability: Accountability,
  collection: string,
  body: unknown,
): Promise<void> {
  const { item, to } = (body && typeof body === 'object' ? body : {}) as { item?: unknown; to?: unknown };
  if (!isKey(item) || !isKey(to)) throw errors.INVALID_PAYLOAD({ reason: '"item" and "to" must be primary keys.' });
  const schema = await kernel.schema.get();
  const col = schema.collections[collection];
  // Unknown collections answer FORBIDDEN (no existence leak), as the item routes do.
  if (!col) throw errors.FORBIDDEN();
  const sortField = col.sortField;
  if (!sortField) throw errors.INVALID_PAYLOAD({ reason: `Collection "${collection}" doesn't have a sort field.` });
  // The shift below is arithmetic: a sort field that is gone or not an integer column cannot be moved in.
  const type = col.fields[sortField]?.type;
  if (type !== 'integer' && type !== 'bigInteger')
    throw errors.INVALID_PAYLOAD({
      reason: `The sort field "${sortField}" of "${collection}" is not an integer field.`,
    });
  if (!accountability.admin) {
    // Directus asks for update permission on the collection including the sort field.
    const grant = await kernel.permissions.require(accountability, collection, 'update');
    if (!grantsField(grant.everywhere, sortField)) throw errors.FORBIDDEN();
  }
  const pk = col.primary;
  await kernel.knex.transaction(async (db) => {
    // Rows without a value go last, and duplicates are renumbered, so the shift below is exact.
    const rows: Record<string, unknown>[] = await db(collection)
      .select(pk, sortField)
      .orderByRaw('?? is null', [sortField])
      .orderBy(sortField)
      .orderBy(pk);
    const values = rows.map((r) => r[sortField]);
    if (values.some((v, i) => v === null || (i > 0 && Number(v) <= Number(values[i - 1])))) {
      for (let i = 0; i < rows.length; i++)
        await db(collection)
          .update({ [sortField]: i + 1 })
          .where(pk, rows[i]![pk] as PrimaryKey);
    }
    const valueOf = async (key: PrimaryKey): Promise<number> => {
      const row = await db(collection).select(sortField).where(pk, key).first();
      // An unknown key is FORBIDDEN, as Directus answers for items that are not there.
      if (!row) throw errors.FORBIDDEN();
      return Number(row[sortField]);
    };
    const source = await valueOf(item);
    const target = await valueOf(to);
    if (source === target) return;
    if (source < target) {
      await db(collection).where(sortField, '>', source).andWhere(sortField, '<=', target).decrement(sortField, 1);
    } else {
      await db(collection).where(sortField, '>=', target).andWhere(sortField, '<', source).increment(sortField, 1);
    }
    await db(collection)
      .update({ [sortField]: target })
      .where(pk, item);
  });
  void kernel.emitter.emitAction(
    ['items.sort', `${collection}.items.sort`],
    { collection, item, to },
    { database: kernel.knex, schema, accountability },
  );
}
