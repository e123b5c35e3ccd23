import type { Component as VueComponent } from 'vue';
import type { FieldType } from './schema.js';

/** A Vue component (SFC default export or `defineComponent` result). */
export type Component = VueComponent;

/** A field definition used by app extension `options` (Directus `DeepPartial<Field>`). */
export interface AppField {
  field: string;
  name?: string;
  type?: FieldType;
  meta?: {
    interface?: string;
    options?: Record<string, unknown>;
    width?: 'half' | 'half-left' | 'half-right' | 'full' | 'fill';
    note?: string;
    required?: boolean;
    readonly?: boolean;
    hidden?: boolean;
    special?: string[];
  };
  schema?: { default_value?: unknown; is_nullable?: boolean };
}

/** Context given to function-valued `options` of interfaces and displays. */
export interface ExtensionOptionsContext {
  collection: string | undefined;
  editing: string;
  field: Partial<AppField>;
  relations: { m2o: unknown; o2m: unknown };
  collections: { junction: unknown; related: unknown };
  fields: { corresponding: unknown; junctionCurrent: unknown; junctionRelated: unknown; sort: unknown };
  items: Record<string, Record<string, unknown>[]>;
  localType: LocalType;
  autoGenerateJunctionRelation: boolean;
  saving: boolean;
}

export type LocalType =
  | 'standard'
  | 'file'
  | 'files'
  | 'm2o'
  | 'o2m'
  | 'm2m'
  | 'm2a'
  | 'presentation'
  | 'translations'
  | 'group';

type Options =
  | AppField[]
  | { standard: AppField[]; advanced: AppField[] }
  | ((context: ExtensionOptionsContext) => AppField[] | { standard: AppField[]; advanced: AppField[] })
  | Component
  | null;

export interface InterfaceConfig {
  id: string;
  name: string;
  icon: string;
  description?: string;
  component: Component;
  options: Options;
  types: readonly FieldType[];
  localTypes?: readonly LocalType[];
  group?: 'standard' | 'selection' | 'relational' | 'presentation' | 'group' | 'other';
  order?: number;
  relational?: boolean;
  hideLabel?: boolean;
  hideLoader?: boolean;
  indicatorStyle?: 'active' | 'hidden' | 'muted';
  autoKey?: boolean;
  system?: boolean;
  recommendedDisplays?: string[];
  preview?: string;
}

export interface DisplayConfig {
  id: string;
  name: string;
  icon: string;
  description?: string;
  component: Component;
  handler?: (
    value: unknown,
    options: Record<string, unknown> | null,
    context: { interfaceOptions?: Record<string, unknown>; field?: AppField; collection?: string },
  ) => string | null;
  options: Options;
  types: readonly FieldType[];
  localTypes?: readonly LocalType[];
  fields?:
    | string[]
    | ((
        options: Record<string, unknown> | null,
        context: { collection: string; field: string; type: string },
      ) => string[]);
}

/** Props every layout's `setup` receives. */
export interface LayoutProps<Options = Record<string, unknown>, LayoutQuery = Record<string, unknown>> {
  collection: string | null;
  selection: (string | number)[];
  layoutOptions: Options;
  layoutQuery: LayoutQuery;
  layoutProps: Record<string, unknown>;
  filterUser: Record<string, unknown> | null;
  filterSystem: Record<string, unknown> | null;
  filter: Record<string, unknown> | null;
  search: string | null;
  selectMode: boolean;
  showSelect: 'none' | 'one' | 'multiple';
  readonly: boolean;
  resetPreset?: () => Promise<void>;
  clearFilters?: () => void;
}

export type LayoutEmit = (
  event: 'update:selection' | 'update:layoutOptions' | 'update:layoutQuery',
  value: unknown,
) => void;

export interface LayoutConfig<Options = Record<string, unknown>, LayoutQuery = Record<string, unknown>> {
  id: string;
  name: string;
  icon: string;
  component: Component;
  slots: { options: Component; sidebar: Component; actions: Component };
  smallHeader?: boolean;
  headerShadow?: boolean;
  sidebarShadow?: boolean;
  setup: (props: LayoutProps<Options, LayoutQuery>, context: { emit: LayoutEmit }) => Record<string, unknown>;
}

/** A vue-router route record (structural, so the SDK does not depend on vue-router). */
export interface RouteRecord {
  path: string;
  name?: string;
  component?: Component;
  components?: Record<string, Component>;
  children?: RouteRecord[];
  redirect?: string;
  props?: boolean | Record<string, unknown>;
  meta?: Record<string, unknown>;
}

export interface ModuleConfig {
  id: string;
  name: string;
  icon: string;
  color?: string;
  routes: RouteRecord[];
  hidden?: boolean;
  preRegisterCheck?: (
    user: { id: string; role: string | null; app_access: boolean; admin_access: boolean },
    permissions: Record<string, unknown>[],
  ) => boolean | Promise<boolean>;
}

export interface PanelQuery {
  collection: string;
  query: Record<string, unknown>;
}

export interface PanelConfig {
  id: string;
  name: string;
  icon: string;
  description?: string;
  query?: (options: Record<string, unknown>) => PanelQuery | PanelQuery[] | undefined;
  variable?: true;
  component: Component;
  options: Options;
  minWidth: number;
  minHeight: number;
  skipUndefinedKeys?: string[];
}

/** Theme rule values are CSS values or nested groups of them. */
export interface ThemeRules {
  [token: string]: string | ThemeRules | undefined;
}

export interface ThemeConfig {
  id: string;
  name: string;
  appearance: 'light' | 'dark';
  rules: ThemeRules;
}
