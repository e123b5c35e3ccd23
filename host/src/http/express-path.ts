/** Express 4 path syntax (`/:id?`, `*`) → path-to-regexp 8 syntax (sandboxed endpoint routes). */
export function convertExpressPath(path: string): string {
  if (path === '*' || path === '/*') return '/*splat';
  let i = 0;
  return path
    .replace(/\/:(\w+)\?/g, '{/:$1}')
    .replace(/\(\.\*\)/g, () => `*wild${i++}`)
    .replace(/(^|\/)\*(?=$|\/)/g, (_m, p) => `${p}*wild${i++}`);
}
