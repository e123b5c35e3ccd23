// @ts-check
/**
 * The HTML a rich-text field may hold, as the editor keeps it: text formatting, headings, lists,
 * quotes, code, tables, links and images, and nothing that runs (no script, style, event handler,
 * `javascript:` URL or frame). A value written by anyone with write access is shown to whoever
 * opens the item, so what the editor loads and what it saves both go through here.
 */
const TAGS = new Set([
  'p',
  'br',
  'hr',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'sub',
  'sup',
  'span',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'code',
  'pre',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'figure',
  'figcaption',
]);
/** Elements removed with everything inside them (the others are unwrapped: their text is kept). */
const DROP = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'link',
  'meta',
  'base',
]);
const ATTRS = {
  a: ['href', 'title', 'target', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
};
const SCHEMES = ['http', 'https', 'mailto', 'tel'];

/**
 * A link or image address that cannot run script: an http(s), mailto or tel URL, or a path on this
 * host. Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`), so
 * they are ignored here too before the scheme is read.
 * @param {string} value
 */
function safeUrl(value) {
  const v = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v);
  if (scheme) return SCHEMES.includes(scheme[1].toLowerCase());
  return !v.startsWith('//') && !v.startsWith('\\');
}

/**
 * @param {Node} node
 * @param {Document} doc
 * @returns {Node[]}
 */
function clean(node, doc) {
  if (node.nodeType === 3) return [doc.createTextNode(node.textContent ?? '')];
  if (node.nodeType !== 1) return [];
  const el = /** @type {Element} */ (node);
  const tag = el.localName;
  const children = () => [...el.childNodes].flatMap((c) => clean(c, doc));
  if (DROP.has(tag)) return [];
  if (!TAGS.has(tag)) return children();
  const out = doc.createElement(tag);
  for (const name of /** @type {Record<string, string[]>} */ (ATTRS)[tag] ?? []) {
    const value = el.getAttribute(name);
    if (value === null) continue;
    if ((name === 'href' || name === 'src') && !safeUrl(value)) continue;
    out.setAttribute(name, value);
  }
  if (tag === 'a' && out.getAttribute('target') === '_blank') out.setAttribute('rel', 'noopener noreferrer');
  for (const child of children()) out.appendChild(child);
  return [out];
}

/**
 * `html` with only the allowed elements and attributes (in the browser: the app's editor).
 * @param {string | null | undefined} html
 * @returns {string}
 */
export function sanitizeHtml(html) {
  if (!html) return '';
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const holder = doc.createElement('div');
  for (const node of [...doc.body.childNodes].flatMap((n) => clean(n, doc))) holder.appendChild(node);
  return holder.innerHTML;
}
