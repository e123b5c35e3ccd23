/**
 * A user's name as the app shows it: first and last name, else the email; null when the user (a
 * loaded `directus_users` row) has neither. Callers choose their own fallback.
 */
export function userName(user) {
  if (!user || typeof user !== 'object') return null;
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email || null;
}
