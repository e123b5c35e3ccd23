import type { Pojo } from 'objection';
import { db } from './driver.js';

const { Model } = db.objection;

/** SQLite returns 0/1 for booleans; normalise them on the way out. */
function toBooleans(json: Pojo, fields: string[]): Pojo {
  for (const f of fields) if (f in json && json[f] !== null) json[f] = Boolean(json[f]);
  return json;
}

export class RoleModel extends Model {
  static override tableName = 'directus_roles';
  id!: string;
  name!: string;
  icon!: string | null;
  description!: string | null;
  admin_access!: boolean;
  app_access!: boolean;
  override $parseDatabaseJson(json: Pojo): Pojo {
    return toBooleans(super.$parseDatabaseJson(json), ['admin_access', 'app_access']);
  }
}

export class UserModel extends Model {
  static override tableName = 'directus_users';
  id!: string;
  first_name!: string | null;
  last_name!: string | null;
  email!: string | null;
  password!: string | null;
  role!: string | null;
  status!: string;
  token!: string | null;
  theme!: string | null;
  last_access!: string | null;
  /** The base32 secret of two-factor authentication, when the user enabled it. */
  tfa_secret!: string | null;
  roleRecord?: RoleModel;
  static override relationMappings = () => ({
    roleRecord: {
      relation: Model.BelongsToOneRelation,
      modelClass: RoleModel,
      join: { from: 'directus_users.role', to: 'directus_roles.id' },
    },
  });
}

export class PermissionModel extends Model {
  static override tableName = 'directus_permissions';
  static override jsonAttributes = ['permissions', 'validation', 'presets'];
  id!: number;
  role!: string | null;
  collection!: string;
  action!: 'create' | 'read' | 'update' | 'delete';
  permissions!: Record<string, unknown> | null;
  validation!: Record<string, unknown> | null;
  presets!: Record<string, unknown> | null;
  fields!: string | null;
}

export class SessionModel extends Model {
  static override tableName = 'directus_sessions';
  static override idColumn = 'token';
  token!: string;
  user!: string | null;
  /** A share's visitor's session (user null). */
  share!: string | null;
  expires!: string;
  ip!: string | null;
}

export class ExtensionSettingModel extends Model {
  static override tableName = 'directus_extensions';
  static override jsonAttributes = [
    'last_error',
    'requested_scopes',
    'granted_scopes',
    'pending_scopes',
    'allowed_roles',
    'quarantine',
  ];
  id!: string;
  enabled!: boolean;
  folder!: string;
  source!: string;
  bundle!: string | null;
  name!: string | null;
  type!: string | null;
  version!: string | null;
  pinned_version!: string | null;
  state!: string | null;
  last_error!: { code: string; message: string } | null;
  requested_scopes!: Record<string, unknown> | null;
  granted_scopes!: Record<string, unknown> | null;
  updated_at!: string | null;
  pending_version!: string | null;
  pending_scopes!: Record<string, unknown> | null;
  quarantine!: { at: string; host: string; unit?: string; error: { code: string; message: string } } | null;
  override $parseDatabaseJson(json: Pojo): Pojo {
    return toBooleans(super.$parseDatabaseJson(json), ['enabled']);
  }
}

export class FlowModel extends Model {
  static override tableName = 'directus_flows';
  static override jsonAttributes = ['options'];
  id!: string;
  name!: string;
  icon!: string | null;
  color!: string | null;
  description!: string | null;
  status!: 'active' | 'inactive';
  trigger!: 'event' | 'schedule' | 'webhook' | 'manual' | 'operation' | null;
  accountability!: 'all' | 'activity' | null;
  options!: Record<string, any> | null;
  operation!: string | null;
  date_created!: string | null;
  user_created!: string | null;
}

export class OperationModel extends Model {
  static override tableName = 'directus_operations';
  static override jsonAttributes = ['options'];
  id!: string;
  name!: string | null;
  key!: string;
  type!: string;
  position_x!: number;
  position_y!: number;
  options!: Record<string, unknown> | null;
  resolve!: string | null;
  reject!: string | null;
  flow!: string;
  date_created!: string | null;
}

export class FlowRunModel extends Model {
  static override tableName = 'annex_flow_runs';
  static override jsonAttributes = ['steps', 'error'];
  id!: number;
  flow!: string;
  status!: 'running' | 'resolved' | 'rejected';
  trigger!: string | null;
  started!: string;
  finished!: string | null;
  steps!: unknown[] | null;
  error!: unknown;
}
