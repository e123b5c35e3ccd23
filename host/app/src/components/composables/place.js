// Positions a fixed floating element next to a reference rectangle (the popper part of
// Directus's v-menu, without a dependency): honours the placement side and alignment, flips to
// the other side when there is no room, and keeps it inside the viewport.
export function placeFloating(
  ref,
  floating,
  { placement = 'bottom', offsetX = 0, offsetY = 8, minWidth = null, viewport } = {},
) {
  const vw = viewport?.width ?? (typeof window !== 'undefined' ? window.innerWidth : 1024);
  const vh = viewport?.height ?? (typeof window !== 'undefined' ? window.innerHeight : 768);
  let [side, align] = placement.split('-');
  const w = Math.max(floating.width, minWidth ?? 0);
  const h = floating.height;
  if (side === 'bottom' && ref.bottom + offsetY + h > vh && ref.top - offsetY - h >= 0) side = 'top';
  else if (side === 'top' && ref.top - offsetY - h < 0) side = 'bottom';
  else if (side === 'right' && ref.right + offsetY + w > vw) side = 'left';
  else if (side === 'left' && ref.left - offsetY - w < 0) side = 'right';
  let top;
  let left;
  if (side === 'bottom' || side === 'top') {
    top = side === 'bottom' ? ref.bottom + offsetY : ref.top - offsetY - h;
    left = align === 'start' ? ref.left : align === 'end' ? ref.right - w : ref.left + ref.width / 2 - w / 2;
    left += offsetX;
  } else {
    left = side === 'right' ? ref.right + offsetY : ref.left - offsetY - w;
    top = align === 'start' ? ref.top : align === 'end' ? ref.bottom - h : ref.top + ref.height / 2 - h / 2;
    top += offsetX;
  }
  left = Math.min(Math.max(8, left), Math.max(8, vw - w - 8));
  top = Math.min(Math.max(8, top), Math.max(8, vh - h - 8));
  const style = { transform: `translate(${Math.round(left)}px, ${Math.round(top)}px)` };
  if (minWidth) style.minWidth = `${minWidth}px`;
  return style;
}
