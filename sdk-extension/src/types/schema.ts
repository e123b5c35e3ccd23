/** Field types as Directus names them. */
export type FieldType =
  | 'alias' | 'bigInteger' | 'boolean' | 'date' | 'dateTime' | 'decimal' | 'float' | 'integer' | 'json'
  | 'string' | 'text' | 'time' | 'timestamp' | 'binary' | 'uuid' | 'hash' | 'csv' | 'geometry'
  | 'geometry.Point' | 'geometry.LineString' | 'geometry.Polygon' | 'geometry.MultiPoint'
  | 'geometry.MultiLineString' | 'geometry.MultiPolygon' | 'unknown';

export interface FieldOverview {
  field: string;
  type: FieldType;
  dbType: string | null;
  nullable: boolean;
  defaultValue: unknown;
  generated: boolean;
  precision: number | null;
  scale: number | null;
  special: string[];
  note: string | null;
  alias: boolean;
  validation?: unknown;
}

export interface CollectionOverview {
  collection: string;
  primary: string;
  singleton: boolean;
  sortField: string | null;
  note: string | null;
  accountability: 'all' | 'activity' | null;
  fields: Record<string, FieldOverview>;
}

export interface RelationOverview {
  collection: string;
  field: string;
  related_collection: string | null;
  schema: { on_delete?: string | null } | null;
  meta: { one_field?: string | null; junction_field?: string | null; one_allowed_collections?: string[] | null } | null;
}

/** What `getSchema()` resolves to (Directus `SchemaOverview`). */
export interface SchemaOverview {
  collections: Record<string, CollectionOverview>;
  relations: RelationOverview[];
}
