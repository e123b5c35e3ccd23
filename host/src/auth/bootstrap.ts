import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { RoleModel, UserModel } from '../db/models.js';
import type { Passwords } from './passwords.js';

export interface BootstrapResult {
  created: boolean;
  email?: string;
  /** Only when generated: printed once, never stored in clear. */
  generatedPassword?: string;
}

/** Creates the Administrator role and the first admin user when the database has no user. */
export async function bootstrapAdmin(
  knex: Knex,
  passwords: Passwords,
  email?: string,
  password?: string,
): Promise<BootstrapResult> {
  const count = await UserModel.query(knex).resultSize();
  if (count > 0) return { created: false };
  const roleId = randomUUID();
  const adminEmail = email || 'admin@example.com';
  const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
  await knex.transaction(async (trx) => {
    await RoleModel.query(trx).insert({
      id: roleId,
      name: 'Administrator',
      icon: 'verified',
      description: 'Full access',
      admin_access: true,
      app_access: true,
    });
    await UserModel.query(trx).insert({
      id: randomUUID(),
      email: adminEmail,
      password: await passwords.hash(password || generatedPassword!),
      role: roleId,
      status: 'active',
      first_name: 'Admin',
      last_name: 'User',
    });
  });
  return { created: true, email: adminEmail, generatedPassword };
}
