import type * as Protocol from '@annex/protocol';

export const FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'bigInteger',
  'float',
  'decimal',
  'boolean',
  'date',
  'dateTime',
  'time',
  'timestamp',
  'json',
  'uuid',
  'csv',
  'hash',
  'alias',
] as const satisfies readonly Protocol.FieldType[];
/** The Directus field types the host can create and store (a subset of the protocol's). */
export type FieldType = (typeof FIELD_TYPES)[number];

/** The protocol's field overview (what extensions see), with the host's own columns. */
export interface FieldOverview extends Protocol.FieldOverview {
  /** The field's row in directus_fields (Directus's `meta.id`); absent for the system collections' own. */
  id?: number;
  type: FieldType;
  primary: boolean;
  unique: boolean;
  interface: string | null;
  options: Record<string, unknown> | null;
  display: string | null;
  displayOptions: Record<string, unknown> | null;
  /** The form width (`half`, `half-left`, `half-right`, `full`, `fill`); null draws it full. */
  width?: string | null;
  hidden: boolean;
  readonly: boolean;
  required: boolean;
  sort: number | null;
  /** Rules every write of this field must pass (`meta.validation`, a filter naming the field), and the message for a failure. */
  validation: Record<string, unknown> | null;
  validationMessage: string | null;
  /** The group field (an alias with `special` group) this field is drawn in; null: the form's top level. */
  group?: string | null;
  /** Directus's `meta.conditions` (rules on the item's values that hide, lock or require the field, or change its options), kept for the app. */
  conditions?: unknown[] | null;
  /** Directus's `meta.translations`: the field's name per language (`[{language, translation}]`). */
  translations?: unknown[] | null;
  /** Many-to-one: the collection this field points at. One-to-many (alias field): the collection of the many side. */
  relatedCollection: string | null;
  /**
   * One-to-many alias field: the many-side collection, its foreign key pointing back here, and
   * what happens to an item taken out of the list (`one_deselect_action`, from the alias's
   * `options.one_deselect_action`): its key is nulled, or it is deleted.
   */
  o2m?: { collection: string; field: string; deselect: 'nullify' | 'delete' };
}

export interface CollectionOverview extends Protocol.CollectionOverview {
  icon: string | null;
  hidden: boolean;
  system: boolean;
  displayTemplate: string | null;
  /** Directus's `meta.versioning`: items may have content versions (directus_versions). */
  versioning: boolean;
  /** Directus's archive: the field, its value for archived items and for restored ones, and whether the app hides archived items. */
  archiveField: string | null;
  archiveValue: string | null;
  unarchiveValue: string | null;
  archiveAppFilter: boolean;
  fields: Record<string, FieldOverview>;
}

/** A many-to-one as the host lists it (`relationOutput`): Directus's relation with its schema and meta. */
export interface RelationOverview extends Protocol.RelationOverview {
  related_collection: string;
  schema: { table: string; column: string; foreign_key_table: string; foreign_key_column: string };
  meta: {
    many_collection: string;
    many_field: string;
    one_collection: string;
    one_field: string | null;
    junction_field: string | null;
    one_deselect_action: 'nullify' | 'delete';
  };
}

/** The protocol's `SchemaOverview` (what extensions get as `schema`), with the host's columns. */
export interface SchemaOverview extends Protocol.SchemaOverview {
  collections: Record<string, CollectionOverview>;
  relations: RelationOverview[];
}
