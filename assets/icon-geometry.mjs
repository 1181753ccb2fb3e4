// The Keyrite icon as geometry, shared by the SVG writer and the PNG rasterizer so both draw the same
// picture: a key on a dark rounded square, with a check mark in its bow (a verified key).
export const SIZE = 1024;
export const colors = { background: '#15212b', key: '#9ed0ff', check: '#15212b' };

export const shapes = {
  background: { kind: 'roundRect', x: 32, y: 32, w: 960, h: 960, r: 210 },
  bow: { kind: 'ring', cx: 380, cy: 512, outer: 210, inner: 0 },
  shaft: { kind: 'rect', x: 560, y: 466, w: 330, h: 92 },
  tooth1: { kind: 'rect', x: 800, y: 558, w: 70, h: 120 },
  tooth2: { kind: 'rect', x: 690, y: 558, w: 60, h: 84 },
  // The check mark: two thick strokes inside the bow.
  check1: { kind: 'segment', x1: 290, y1: 520, x2: 360, y2: 590, width: 44 },
  check2: { kind: 'segment', x1: 360, y1: 590, x2: 480, y2: 430, width: 44 },
};

function inRoundRect(s, x, y) {
  if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
  const cx = Math.min(Math.max(x, s.x + s.r), s.x + s.w - s.r);
  const cy = Math.min(Math.max(y, s.y + s.r), s.y + s.h - s.r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= s.r ** 2;
}

function nearSegment(s, x, y) {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const t = Math.max(0, Math.min(1, ((x - s.x1) * dx + (y - s.y1) * dy) / (dx * dx + dy * dy)));
  const px = s.x1 + t * dx;
  const py = s.y1 + t * dy;
  return (x - px) ** 2 + (y - py) ** 2 <= (s.width / 2) ** 2;
}

/** The colour at a point of the 1024-unit canvas, or null for transparent. */
export function colorAt(x, y) {
  if (nearSegment(shapes.check1, x, y) || nearSegment(shapes.check2, x, y)) {
    if ((x - shapes.bow.cx) ** 2 + (y - shapes.bow.cy) ** 2 <= shapes.bow.outer ** 2) return colors.check;
  }
  const b = shapes.bow;
  if ((x - b.cx) ** 2 + (y - b.cy) ** 2 <= b.outer ** 2) return colors.key;
  for (const r of [shapes.shaft, shapes.tooth1, shapes.tooth2]) {
    if (x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h) return colors.key;
  }
  if (inRoundRect(shapes.background, x, y)) return colors.background;
  return null;
}

export function svg() {
  const s = shapes;
  const seg = (g) => `<line x1="${g.x1}" y1="${g.y1}" x2="${g.x2}" y2="${g.y2}" stroke="${colors.check}" stroke-width="${g.width}" stroke-linecap="round"/>`;
  const rect = (r, fill) => `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${fill}"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}">`,
    `<title>Keyrite</title>`,
    `<rect x="${s.background.x}" y="${s.background.y}" width="${s.background.w}" height="${s.background.h}" rx="${s.background.r}" fill="${colors.background}"/>`,
    rect(s.shaft, colors.key),
    rect(s.tooth1, colors.key),
    rect(s.tooth2, colors.key),
    `<circle cx="${s.bow.cx}" cy="${s.bow.cy}" r="${s.bow.outer}" fill="${colors.key}"/>`,
    seg(s.check1),
    seg(s.check2),
    `</svg>`,
    '',
  ].join('\n');
}
