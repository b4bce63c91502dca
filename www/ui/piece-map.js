// Draws a torrent's piece map on a canvas: one column per piece when they fit, else each
// column shaded by the share of its pieces we hold. Rows wrap so large torrents stay readable.

import { Bits } from '../bits.js'

const HAVE = [126, 231, 135] // --accent-2
const MISSING = [38, 50, 65] // --line
const ROW_HEIGHT = 12
const MAX_ROWS = 8

/** Redraws `canvas` (its CSS width is kept) for `count` pieces of `bitfield`. */
export function drawPieceMap (canvas, bitfield, count) {
  const width = Math.max(50, Math.floor(canvas.clientWidth || canvas.width))
  // One cell per piece, at least 3 px wide, in up to MAX_ROWS rows; beyond that, bins.
  const perRow = Math.max(1, Math.floor(width / 3))
  const rows = Math.max(1, Math.min(MAX_ROWS, Math.ceil(count / perRow)))
  const cells = Math.min(count, perRow * rows)
  const cols = Math.ceil(cells / rows)
  canvas.width = width
  canvas.height = rows * ROW_HEIGHT
  const ctx = canvas.getContext('2d')
  const cellWidth = width / cols
  const verified = new Bits(count, bitfield)
  for (let cell = 0; cell < cells; cell++) {
    const first = Math.floor(cell * count / cells)
    const end = Math.floor((cell + 1) * count / cells)
    let have = 0
    for (let p = first; p < end; p++) if (verified.has(p)) have++
    const share = end > first ? have / (end - first) : 0
    const rgb = MISSING.map((m, i) => Math.round(m + (HAVE[i] - m) * share))
    ctx.fillStyle = `rgb(${rgb.join(',')})`
    const x = (cell % cols) * cellWidth
    const y = Math.floor(cell / cols) * ROW_HEIGHT
    ctx.fillRect(Math.floor(x), y, Math.max(1, Math.ceil(x + cellWidth) - Math.floor(x) - (cellWidth > 4 ? 1 : 0)), ROW_HEIGHT - 1)
  }
}
