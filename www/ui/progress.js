// Numbers the views show, derived from the core's info, stats and piece map: overall progress,
// time left, and how much of each file is verified. Pure functions, no DOM.

import { Bits } from '../bits.js'

/** Fraction 0..1 of the wanted bytes we hold (skipped files are not wanted). */
export function torrentProgress (info, stats) {
  if (stats.complete) return 1
  if (stats.wantedBytes > 0) return Math.min(1, stats.haveBytes / stats.wantedBytes)
  if (info.pieceCount) return stats.verifiedPieces / info.pieceCount
  return 0
}

/** Seconds until the wanted bytes are in at the current speed; Infinity when stalled. */
export function eta (stats) {
  if (stats.complete) return 0
  const left = Math.max(0, (stats.wantedBytes || 0) - (stats.haveBytes || 0))
  if (left === 0) return 0
  return stats.downSpeed > 0 ? left / stats.downSpeed : Infinity
}

/**
 * Verified fraction of each file, by bytes: a piece counts for the part of it inside the file.
 * `bitfield` is the core's BEP 3 piece map (high bit first).
 */
export function fileProgress (info, bitfield) {
  const { pieceLength, length: total } = info
  const verified = new Bits(info.pieceCount, bitfield)
  return info.files.map(file => {
    if (file.length === 0) return 1
    const start = file.offset
    const end = file.offset + file.length
    let have = 0
    for (let p = Math.floor(start / pieceLength); p * pieceLength < end; p++) {
      if (!verified.has(p)) continue
      const from = Math.max(start, p * pieceLength)
      const to = Math.min(end, (p + 1) * pieceLength, total)
      have += Math.max(0, to - from)
    }
    return have / file.length
  })
}
