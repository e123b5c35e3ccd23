import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../host/app/src/components/composables/markdown.js';

describe('v-md: Markdown as HTML, nothing else', () => {
  it('renders paragraphs, headings, emphasis, code, lists, quotes and links', () => {
    expect(renderMarkdown('# Title\n\nSome **bold** and *soft* `code`.\nNext line')).toBe(
      '<h1>Title</h1><p>Some <strong>bold</strong> and <em>soft</em> <code>code</code>.<br>Next line</p>',
    );
    expect(renderMarkdown('- one\n- two\n\n1. first\n2. second')).toBe(
      '<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>',
    );
    expect(renderMarkdown('> quoted')).toBe('<blockquote>quoted</blockquote>');
    expect(renderMarkdown('See [the docs](https://example.com/a?b=1&c=2).')).toBe(
      '<p>See <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>.</p>',
    );
    expect(renderMarkdown('```\nconst a = 1 < 2;\n```')).toBe('<pre><code>const a = 1 &lt; 2;</code></pre>');
    expect(renderMarkdown(null)).toBe('');
  });

  it('escapes markup and refuses script links', () => {
    const evil = renderMarkdown(
      '<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](//evil.example) **<script>**',
    );
    expect(evil).not.toMatch(/<img|<script|href="javascript|href="\/\/evil/);
    expect(evil).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(evil).toContain('[x](javascript:alert(1))');
    expect(renderMarkdown('[a](https://x.test/"onmouseover="alert(1))')).not.toContain('" onmouseover');
    // Code spans keep their text literally.
    expect(renderMarkdown('`**not bold**`')).toBe('<p><code>**not bold**</code></p>');
  });
});
