import type { EndpointConfig } from './types/endpoint.js';
import type { HookConfig } from './types/hook.js';
import type { OperationApiConfig, OperationAppConfig } from './types/operation.js';
import type { SandboxEndpointConfig, SandboxHookConfig, SandboxOperationConfig } from './types/sandbox.js';
import type {
  DisplayConfig,
  InterfaceConfig,
  LayoutConfig,
  ModuleConfig,
  PanelConfig,
  ThemeConfig,
} from './types/app.js';

// Identity helpers: they exist only to type the default export (Directus names and semantics).

/** Types a trusted endpoint (Express-compatible router + API context). */
export function defineEndpoint(config: EndpointConfig): EndpointConfig {
  return config;
}
/** Types a trusted hook (`filter`, `action`, `init`, `schedule`, `embed` + API context). */
export function defineHook(config: HookConfig): HookConfig {
  return config;
}
/** Types the API half of an operation. */
export function defineOperationApi<Options = Record<string, unknown>>(
  config: OperationApiConfig<Options>,
): OperationApiConfig<Options> {
  return config;
}
/** Types the app half of an operation. */
export function defineOperationApp<Options = Record<string, unknown>>(
  config: OperationAppConfig<Options>,
): OperationAppConfig<Options> {
  return config;
}
/** Types an interface (field editor component). */
export function defineInterface(config: InterfaceConfig): InterfaceConfig {
  return config;
}
/** Types a display (field value renderer). */
export function defineDisplay(config: DisplayConfig): DisplayConfig {
  return config;
}
/** Types a layout (collection items view). */
export function defineLayout<Options = Record<string, unknown>, LayoutQuery = Record<string, unknown>>(
  config: LayoutConfig<Options, LayoutQuery>,
): LayoutConfig<Options, LayoutQuery> {
  return config;
}
/** Types a module (a top-level app section with routes). */
export function defineModule(config: ModuleConfig): ModuleConfig {
  return config;
}
/** Types an insights panel. */
export function definePanel(config: PanelConfig): PanelConfig {
  return config;
}
/** Types a theme. */
export function defineTheme(config: ThemeConfig): ThemeConfig {
  return config;
}

/** Annex: types a sandboxed endpoint (`(request) => {status, headers?, body}` handlers). */
export function defineSandboxEndpoint(config: SandboxEndpointConfig): SandboxEndpointConfig {
  return config;
}
/** Annex: types a sandboxed hook (data-only context, no database handle). */
export function defineSandboxHook(config: SandboxHookConfig): SandboxHookConfig {
  return config;
}
/** Annex: types the API half of a sandboxed operation. */
export function defineSandboxOperation<Options = Record<string, unknown>>(
  config: SandboxOperationConfig<Options>,
): SandboxOperationConfig<Options> {
  return config;
}
