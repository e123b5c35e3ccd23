import type { z } from 'zod';

/** Readable, path-named messages for a capability's argument tuple (never raw zod output). */
export function formatArgumentIssues(capability: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const [index, ...rest] = issue.path;
      const where =
        typeof index === 'number'
          ? `argument ${index + 1}${rest.length ? ` (${rest.map(String).join('.')})` : ''}`
          : 'arguments';
      return `${capability}: ${where}: ${issue.message}`;
    })
    .join('; ');
}
