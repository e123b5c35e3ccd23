// Words Directus's title formatting writes in capitals.
const ACRONYMS = new Set([
  'id',
  'ids',
  'url',
  'urls',
  'uri',
  'api',
  'ip',
  'uuid',
  'json',
  'html',
  'css',
  'sql',
  'seo',
  'svg',
  'pdf',
  'csv',
  'xml',
  'sso',
  'ui',
  'ux',
  'faq',
  'cms',
  'og',
]);

/** `blog_posts` → `Blog Posts`, `userId` → `User ID`: the name shown for a collection or field without one. */
export function formatTitle(key) {
  return String(key ?? '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}
