import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// README.md is the front door and docs/ holds the rest: a link that leads nowhere is a dead end
// for the reader, so every relative link (and its #anchor, for Markdown targets) must resolve.
const DOCS = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

/** The targets of `[text](target)` links outside code blocks and code spans. */
function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('documentation links', () => {
  it('the README is a short front door (at most 150 lines)', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(150);
  });

  for (const doc of DOCS) {
    it(`every relative link in ${doc} resolves`, () => {
      const broken: string[] = [];
      for (const link of linksOf(join(REPO_ROOT, doc))) {
        if (/^[a-z]+:/i.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? join(REPO_ROOT, doc) : join(REPO_ROOT, dirname(doc), path);
        if (!existsSync(target) || relative(REPO_ROOT, target).startsWith('..')) broken.push(link);
        else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) broken.push(link);
      }
      expect(broken).toEqual([]);
    });
  }

  it('finds the links it checks (the README links to every doc)', () => {
    const fromReadme = linksOf(join(REPO_ROOT, 'README.md')).map((l) => l.split('#')[0]);
    for (const doc of DOCS.filter((d) => d !== 'README.md')) expect(fromReadme, doc).toContain(doc);
  });
});
