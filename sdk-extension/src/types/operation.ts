import type { Accountability } from './accountability.js';
import type { ApiExtensionContext } from './api-context.js';
import type { AppField, Component } from './app.js';

/** The flow a trusted operation runs in. */
export interface FlowInfo {
  id: string;
  name: string;
  trigger: string | null;
  options: Record<string, unknown>;
}

export type OperationContext = ApiExtensionContext & {
  /** The flow's data chain: `$trigger`, `$last`, `$accountability`, one key per operation. */
  data: Record<string, unknown>;
  accountability: Accountability | null;
  flow?: FlowInfo;
};

/** API half of an operation: `handler` resolves the flow path on return and rejects on throw. */
export interface OperationApiConfig<Options = Record<string, unknown>> {
  id: string;
  handler: (options: Options, context: OperationContext) => unknown | Promise<unknown>;
}

export interface OperationOverviewItem {
  label: string;
  text: string;
  copyable?: boolean;
}

/** App half of an operation (shown in the flow editor). */
export interface OperationAppConfig<Options = Record<string, unknown>> {
  id: string;
  name: string;
  icon: string;
  description?: string;
  overview: ((options: Options, context: { flow: FlowInfo }) => OperationOverviewItem[]) | Component | null;
  options: AppField[] | ((options: Partial<Options>) => AppField[]) | Component | null;
}
