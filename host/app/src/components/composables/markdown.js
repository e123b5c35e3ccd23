// @ts-check
/*
 * A small Markdown to HTML renderer for `v-md` (Directus's directive, used for notes and
 * extensions' help texts): paragraphs, line breaks, `#` headings, `**bold**`, `*italic*`,
 * `` `code` ``, fenced code, `-`/`1.` lists, `>` quotes and `[links](https://…)`. Everything is
 * escaped first and only these constructs become tags, so the text cannot inject markup; a link
 * goes to http(s), mailto or a path, never to a script.
 */

const escape = (/** @type {string} */ s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

/** Inline constructs of an escaped line. @param {string} text */
function inline(text) {
  const codes = [];
  let out = text.replace(/`([^`]+)`/g, (_, code) => {
    codes.push(`<code>${code}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  out = out
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label, url) => {
      const href = url.replace(/&amp;/g, '&');
      return SAFE_URL.test(href)
        ? `<a href="${escape(href)}" target="_blank" rel="noopener noreferrer">${label}</a>`
        : whole;
    })
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_]+)__/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>')
    .replace(/(^|\W)_([^_]+)_(?=\W|$)/g, '$1<em>$2</em>');
  return out.replace(/\u0000(\d+)\u0000/g, (_, i) => codes[Number(i)]);
}

/** @param {unknown} source @returns {string} */
export function renderMarkdown(source) {
  if (source === null || source === undefined) return '';
  const lines = escape(String(source)).replace(/\r\n?/g, '\n').split('\n');
  /** @type {string[]} */
  const html = [];
  /** @type {string[]} */
  let paragraph = [];
  /** @type {{ tag: 'ul' | 'ol'; items: string[] } | null} */
  let list = null;
  const flush = () => {
    if (paragraph.length) html.push(`<p>${paragraph.map(inline).join('<br>')}</p>`);
    paragraph = [];
    if (list) html.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^```/.test(line)) {
      flush();
      const code = [];
      while (++i < lines.length && !/^```/.test(lines[i] ?? '')) code.push(lines[i]);
      html.push(`<pre><code>${code.join('\n')}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const quote = /^&gt;\s?(.*)$/.exec(line);
    if (heading) {
      flush();
      html.push(`<h${heading[1].length}>${inline(heading[2] ?? '')}</h${heading[1].length}>`);
    } else if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      if (paragraph.length || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? '');
    } else if (quote) {
      flush();
      html.push(`<blockquote>${inline(quote[1] ?? '')}</blockquote>`);
    } else if (line.trim() === '') flush();
    else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return html.join('');
}
