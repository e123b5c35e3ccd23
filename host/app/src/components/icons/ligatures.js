// Reads the ligature names a WOFF2 icon font really renders (its GSUB ligature lookups mapped
// back to characters through its cmap). The package's own name list omits aliases such as
// `expand_more`, so the font is the source of truth for which names v-icon can draw.
import zlib from 'node:zlib';

// WOFF2's table tags by index (the spec's "known table" list).
const KNOWN = [
  'cmap',
  'head',
  'hhea',
  'hmtx',
  'maxp',
  'name',
  'OS/2',
  'post',
  'cvt ',
  'fpgm',
  'glyf',
  'loca',
  'prep',
  'CFF ',
  'VORG',
  'EBDT',
  'EBLC',
  'gasp',
  'hdmx',
  'kern',
  'LTSH',
  'PCLT',
  'VDMX',
  'vhea',
  'vmtx',
  'BASE',
  'GDEF',
  'GPOS',
  'GSUB',
  'EBSC',
  'JSTF',
  'MATH',
  'CBDT',
  'CBLC',
  'COLR',
  'CPAL',
  'SVG ',
  'sbix',
  'acnt',
  'avar',
  'bdat',
  'bloc',
  'bsln',
  'cvar',
  'fdsc',
  'feat',
  'fmtx',
  'fvar',
  'gvar',
  'hsty',
  'just',
  'lcar',
  'mort',
  'morx',
  'opbd',
  'prop',
  'trak',
  'Zapf',
  'Silf',
  'Glat',
  'Gloc',
  'Feat',
  'Sill',
];

/** The untransformed tables of a WOFF2 file, by tag. */
export function woff2Tables(buf) {
  let p = 48;
  const base128 = () => {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const b = buf[p++];
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) return v;
    }
    throw new Error('bad UIntBase128');
  };
  const entries = [];
  for (let i = buf.readUInt16BE(12); i > 0; i--) {
    const flags = buf[p++];
    let tag = KNOWN[flags & 0x3f];
    if ((flags & 0x3f) === 63) tag = buf.toString('latin1', p, (p += 4));
    const length = base128();
    const version = flags >> 6;
    const transformed = tag === 'glyf' || tag === 'loca' ? version === 0 : version !== 0;
    entries.push({ tag, length: transformed ? base128() : length });
  }
  const data = zlib.brotliDecompressSync(buf.subarray(p, p + buf.readUInt32BE(20)));
  const tables = {};
  let off = 0;
  for (const e of entries) tables[e.tag] = data.subarray(off, (off += e.length));
  return tables;
}

/** glyph id → character, from cmap formats 4 and 12 (first mapping wins). */
function glyphChars(cm) {
  const map = new Map();
  const set = (g, c) => g && !map.has(g) && map.set(g, String.fromCodePoint(c));
  for (let i = 0; i < cm.readUInt16BE(2); i++) {
    const o = cm.readUInt32BE(8 + i * 8);
    const format = cm.readUInt16BE(o);
    if (format === 4) {
      const segX2 = cm.readUInt16BE(o + 6);
      const ends = o + 14,
        starts = ends + segX2 + 2,
        deltas = starts + segX2,
        ranges = deltas + segX2;
      for (let s = 0; s < segX2 / 2; s++) {
        const end = cm.readUInt16BE(ends + s * 2),
          start = cm.readUInt16BE(starts + s * 2),
          delta = cm.readInt16BE(deltas + s * 2),
          ro = cm.readUInt16BE(ranges + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          const raw = ro === 0 ? c : cm.readUInt16BE(ranges + s * 2 + ro + (c - start) * 2);
          set(ro !== 0 && raw === 0 ? 0 : (raw + delta) & 0xffff, c);
        }
      }
    } else if (format === 12) {
      for (let k = 0; k < cm.readUInt32BE(o + 12); k++) {
        const start = cm.readUInt32BE(o + 16 + k * 12),
          end = cm.readUInt32BE(o + 20 + k * 12),
          g0 = cm.readUInt32BE(o + 24 + k * 12);
        for (let c = start; c <= end; c++) set(g0 + c - start, c);
      }
    }
  }
  return map;
}

/** Every lowercase ligature (`[a-z0-9_]+`) the font substitutes. */
export function ligatureNames(buf) {
  const { GSUB: G, cmap } = woff2Tables(buf);
  const chars = glyphChars(cmap);
  const names = new Set();
  const coverage = (o) => {
    const out = [];
    const n = G.readUInt16BE(o + 2);
    if (G.readUInt16BE(o) === 1) for (let i = 0; i < n; i++) out.push(G.readUInt16BE(o + 4 + i * 2));
    else
      for (let i = 0; i < n; i++)
        for (let g = G.readUInt16BE(o + 4 + i * 6); g <= G.readUInt16BE(o + 6 + i * 6); g++) out.push(g);
    return out;
  };
  const ligatures = (o) => {
    const first = coverage(o + G.readUInt16BE(o + 2));
    for (let i = 0; i < G.readUInt16BE(o + 4); i++) {
      const set = o + G.readUInt16BE(o + 6 + i * 2);
      for (let j = 0; j < G.readUInt16BE(set); j++) {
        const lig = set + G.readUInt16BE(set + 2 + j * 2);
        let name = chars.get(first[i]) ?? '?';
        for (let k = 0; k < G.readUInt16BE(lig + 2) - 1; k++) name += chars.get(G.readUInt16BE(lig + 4 + k * 2)) ?? '?';
        // Letters share glyphs with their capitals, which the cmap lists first.
        name = name.toLowerCase();
        if (/^[a-z0-9_]+$/.test(name)) names.add(name);
      }
    }
  };
  const list = G.readUInt16BE(8);
  for (let l = 0; l < G.readUInt16BE(list); l++) {
    const lookup = list + G.readUInt16BE(list + 2 + l * 2);
    const type = G.readUInt16BE(lookup);
    for (let s = 0; s < G.readUInt16BE(lookup + 4); s++) {
      const sub = lookup + G.readUInt16BE(lookup + 6 + s * 2);
      if (type === 4) ligatures(sub);
      else if (type === 7 && G.readUInt16BE(sub + 2) === 4) ligatures(sub + G.readUInt32BE(sub + 4));
    }
  }
  return names;
}
