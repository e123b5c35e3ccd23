// @ts-check
/**
 * The dashboard grid in Directus's units: a panel's `position_x`/`position_y` are 1-based grid
 * cells and `width`/`height` are spans of cells (directus_panels). Pure math for placing, moving
 * and resizing, so the drag handlers stay small and the rules are tested without a browser.
 */

/** Columns of the grid; a panel never reaches past the last one. */
export const GRID_COLUMNS = 48;
/** The smallest panel, when the panel type states no `minWidth`/`minHeight`. */
const MIN_SIZE = 2;

const clamp = (n, lo, hi) => Math.max(lo, Math.min(hi, n));

/** Whole cells for a pointer movement of `px` pixels over cells `cell` pixels wide (rounded to the nearest). */
export function cellsFromPixels(px, cell) {
  return cell > 0 ? Math.round(px / cell) : 0;
}

/**
 * The panel moved by `dx`,`dy` cells, kept inside the grid.
 * @param {{position_x: number, position_y: number, width: number, height: number}} panel
 */
export function movePanel(panel, dx, dy) {
  const width = clamp(panel.width, 1, GRID_COLUMNS);
  return {
    ...panel,
    position_x: clamp(panel.position_x + dx, 1, GRID_COLUMNS - width + 1),
    position_y: Math.max(1, panel.position_y + dy),
  };
}

/**
 * The panel resized by `dw`,`dh` cells from its bottom-right corner: never below the panel type's
 * `minWidth`/`minHeight`, never past the last column.
 * @param {{position_x: number, position_y: number, width: number, height: number}} panel
 * @param {{minWidth?: number, minHeight?: number} | null} [type]
 */
export function resizePanel(panel, dw, dh, type) {
  const minWidth = Math.min(type?.minWidth ?? MIN_SIZE, GRID_COLUMNS);
  const minHeight = type?.minHeight ?? MIN_SIZE;
  return {
    ...panel,
    width: clamp(panel.width + dw, minWidth, GRID_COLUMNS - panel.position_x + 1),
    height: Math.max(minHeight, panel.height + dh),
  };
}

/** Whether two panels share a cell. */
export function overlaps(a, b) {
  return (
    a.position_x < b.position_x + b.width &&
    b.position_x < a.position_x + a.width &&
    a.position_y < b.position_y + b.height &&
    b.position_y < a.position_y + a.height
  );
}

/**
 * Where a new panel of `size` goes: the first row (top to bottom, then left to right) where it
 * overlaps no placed panel.
 * @param {Array<{position_x: number, position_y: number, width: number, height: number}>} panels
 * @param {{width: number, height: number}} size
 */
export function placeNew(panels, size) {
  const width = clamp(size.width, 1, GRID_COLUMNS);
  const bottom = panels.reduce((y, p) => Math.max(y, p.position_y + p.height), 1);
  for (let y = 1; y <= bottom; y++) {
    for (let x = 1; x + width - 1 <= GRID_COLUMNS; x++) {
      const candidate = { position_x: x, position_y: y, width, height: size.height };
      if (!panels.some((p) => overlaps(candidate, p))) return candidate;
    }
  }
  return { position_x: 1, position_y: bottom, width, height: size.height };
}

/** Directus's panel header columns: whether it shows (it does unless turned off), its icon, color and note. */
export function header(panel) {
  return {
    show_header: panel.show_header !== false,
    icon: panel.icon ?? null,
    color: panel.color ?? null,
    note: panel.note ?? null,
  };
}

/** The columns of directus_panels a move or resize writes. */
export function geometry(panel) {
  return { position_x: panel.position_x, position_y: panel.position_y, width: panel.width, height: panel.height };
}
