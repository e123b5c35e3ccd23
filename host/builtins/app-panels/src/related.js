// @ts-check
import { useStores } from '@directus/extensions-sdk';

/** The collection and key a many-to-one field points at, or null. */
export function relatedOf(collection, field) {
  if (!collection || !field) return null;
  const { useRelationsStore, useFieldsStore } = useStores();
  const relation = useRelationsStore().getRelationForField(collection, field);
  if (!relation?.related_collection || relation.collection !== collection || relation.field !== field) return null;
  const pk = useFieldsStore().getPrimaryKeyFieldForCollection(relation.related_collection)?.field ?? 'id';
  return { collection: relation.related_collection, pk };
}

/** The fields of a many-to-one's related collection, as choices. */
export function relatedFieldChoices(collection, field) {
  const related = relatedOf(collection, field);
  if (!related) return [];
  return useStores()
    .useFieldsStore()
    .getFieldsForCollection(related.collection)
    .filter((f) => f.type !== 'alias')
    .map((f) => ({ text: f.meta?.name ?? f.name ?? f.field, value: f.field }));
}
