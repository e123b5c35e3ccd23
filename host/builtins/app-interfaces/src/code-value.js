// The value <-> text mapping of the input-code interface, apart from the component so it is testable.

/** The editor text for a field value: json fields show formatted JSON (a string value is shown as is). */
export function getCodeText(value, type) {
  if (value === null || value === undefined) return '';
  if (type === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 4);
  return String(value);
}

/**
 * The value to emit for the editor text: { value } to emit, or { invalid: true } when a json field's
 * text is not (yet) valid JSON, which is kept in the editor and not emitted. Empty text is null.
 */
export function parseCodeText(text, type) {
  if (text === '') return { value: null };
  if (type !== 'json') return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { invalid: true };
  }
}

const JS_KEYWORDS = new Set(
  'async await break case catch class const continue default delete do else export extends finally for from function if import in instanceof let new of return static switch this throw try typeof var void while with yield'.split(
    ' ',
  ),
);
const LITERALS = new Set(['true', 'false', 'null', 'undefined']);
const JS_LIKE = new Set(['javascript', 'js', 'typescript', 'ts', 'jsx', 'tsx']);
// One token at a time from where the last ended: comments (JavaScript), strings, numbers, words, punctuation.
const TOKEN =
  /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|("(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\.|[^`\\])*`?)|(-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_$][\w$]*)|([{}[\](),:;.])/y;

/**
 * The editor text cut into tokens for highlighting: `{ text, kind }` with kind `comment`,
 * `string`, `property` (a JSON or object key), `number`, `literal`, `keyword`, `punctuation` or
 * `plain`. Languages other than JSON and JavaScript's family are one plain token; joined, the
 * tokens are the text exactly.
 * @param {string} text @param {string} language @returns {{ text: string; kind: string }[]}
 */
export function highlightTokens(text, language) {
  const lang = String(language ?? '').toLowerCase();
  const js = JS_LIKE.has(lang);
  if (lang !== 'json' && !js) return text ? [{ text, kind: 'plain' }] : [];
  /** @type {{ text: string; kind: string }[]} */
  const out = [];
  const push = (/** @type {string} */ t, /** @type {string} */ kind) => {
    const last = out[out.length - 1];
    if (kind === 'plain' && last?.kind === 'plain') last.text += t;
    else out.push({ text: t, kind });
  };
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) {
      push(text[at], 'plain');
      at++;
      continue;
    }
    const [whole, comment, string, number, word] = m;
    if (comment !== undefined) push(whole, js ? 'comment' : 'plain');
    else if (string !== undefined) push(whole, /^\s*:/.test(text.slice(at + whole.length)) ? 'property' : 'string');
    else if (number !== undefined) push(whole, 'number');
    else if (word !== undefined)
      push(whole, LITERALS.has(word) ? 'literal' : js && JS_KEYWORDS.has(word) ? 'keyword' : 'plain');
    else push(whole, 'punctuation');
    at += whole.length;
  }
  return out;
}
