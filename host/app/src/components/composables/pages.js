/** The page numbers v-pagination shows: all of them, or `totalVisible` centred on `current`. */
export function visiblePages(length, totalVisible, current) {
  if (totalVisible === undefined || totalVisible === null) return [];
  let start = 1;
  let end = length;
  if (Number.isInteger(totalVisible) && length > totalVisible) {
    const before = Math.floor(totalVisible / 2);
    const after = Math.ceil(totalVisible / 2) - 1;
    if (current <= before) end = totalVisible;
    else if (current + after >= length) start = length - totalVisible + 1;
    else {
      start = current - before;
      end = current + after;
    }
  }
  return Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => start + i);
}
