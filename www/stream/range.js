// HTTP Range header parsing (RFC 9110 §14.2) for one byte range: what media elements send.

/**
 * Returns null (no usable Range: serve the whole file with 200), 'unsatisfiable' (416), or
 * {start, end} with `end` exclusive. Multiple ranges are answered as a whole file, which
 * RFC 9110 allows a server to do.
 */
export function parseRange (header, length) {
  if (!header) return null
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    return { start: Math.max(0, length - n), end: length }
  }
  const start = Number(m[1])
  if (start >= length) return 'unsatisfiable'
  const last = m[2] === '' ? length - 1 : Math.min(Number(m[2]), length - 1)
  if (last < start) return null
  return { start, end: last + 1 }
}
