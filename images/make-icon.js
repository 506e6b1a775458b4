// Writes images/icon.png (128x128): a padlock over a lock-order chain, drawn with 4x4 supersampling.
// Run: node images/make-icon.js
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const N = 128, SS = 4;
const BG = [30, 58, 95], GOLD = [240, 192, 64], LIGHT = [200, 220, 240];

function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r), cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour at a point (in 128-unit coordinates), or null for transparent. */
function shade(x, y) {
  if (!inRoundRect(x, y, 4, 4, 124, 124, 22)) return null;
  // keyhole
  if ((x - 64) ** 2 + (y - 80) ** 2 <= 7 * 7 || (Math.abs(x - 64) <= 3 && y >= 80 && y <= 96)) return BG;
  // lock body
  if (inRoundRect(x, y, 30, 58, 98, 110, 8)) return GOLD;
  // shackle: half ring over the body and two legs
  const d = Math.hypot(x - 64, y - 48);
  if (y <= 48 && d >= 19 && d <= 29) return GOLD;
  if (y > 48 && y < 60 && ((x >= 35 && x <= 45) || (x >= 83 && x <= 93))) return GOLD;
  // three chained dots at the top left: the order (outer -> inner)
  for (const [cx, cy] of [[18, 22], [18, 36], [18, 50]]) if ((x - cx) ** 2 + (y - cy) ** 2 <= 16) return LIGHT;
  if (Math.abs(x - 18) <= 1 && y >= 22 && y <= 50) return LIGHT;
  return BG;
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  for (let x = 0; x < N; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const c = shade(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
      if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
    }
    const o = y * (N * 4 + 1) + 1 + x * 4;
    raw[o] = a ? r / a : 0; raw[o + 1] = a ? g / a : 0; raw[o + 2] = a ? b / a : 0; raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
fs.writeFileSync(path.join(__dirname, 'icon.png'), png);
console.log(`icon.png: ${png.length} bytes`);
