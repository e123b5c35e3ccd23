// The item query has one definition, shared with the host and the bridge.
export type { Filter, LogicalFilter, FilterOperator, FieldFilterRule, FieldFilter, Query } from '@annex/protocol';
