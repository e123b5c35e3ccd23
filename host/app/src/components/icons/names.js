// The known icon names, loaded once on demand (a separate chunk, not first-load JavaScript).
// Directus's own custom icons (`directus`, `box`, ...) are not in the font: they count as known
// only where the font has a same-named glyph; anything else renders the placeholder.
let names = null;
let pending = null;
const waiting = new Set();

export function knownIcon(name) {
  return Boolean(names && names.has(name));
}

/** True when the list is already here; otherwise loads it and calls `onLoaded` once it is. */
export function loadIconNames(onLoaded) {
  if (names) return true;
  if (typeof window === 'undefined') return false;
  waiting.add(onLoaded);
  pending ??= import('virtual:annex-icon-names').then(
    (m) => {
      names = m.default;
      for (const fn of waiting) fn();
      waiting.clear();
    },
    () => {
      // Without the list, trust the font: names render as ligatures.
      pending = null;
    },
  );
  return false;
}
