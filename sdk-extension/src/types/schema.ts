// Schema overview types have one definition, shared with the host.
export type { FieldType, FieldOverview, CollectionOverview, RelationOverview, SchemaOverview } from '@annex/protocol';
