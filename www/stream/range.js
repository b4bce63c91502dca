// HTTP Range header parsing (RFC 9110 §14.1.2, §14.2) for one byte range: what media elements
// send to the service worker (stream/sw.js) and web-seed clients send to the local server
// (serve-range.mjs). Plain JS with no imports, so the browser and Node share this one module.

/**
 * The byte range a `Range` header asks of a representation of `length` bytes: `null` (no
 * usable Range: answer the whole with 200), `'unsatisfiable'` (416), or `{start, end}` with
 * `end` exclusive. Several ranges, another unit and an invalid range (last before first) are
 * answered as a whole, which RFC 9110 allows a server to do.
 */
export function parseRange (header, length) {
  if (!header) return null
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return null
  const [, first, last] = m
  if (first === '' && last === '') return null
  if (first === '') {
    // A suffix: the last N bytes; none of an empty representation can be given.
    const n = Number(last)
    if (n === 0 || length === 0) return 'unsatisfiable'
    return { start: Math.max(0, length - n), end: length }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return null
  if (start >= length) return 'unsatisfiable'
  return { start, end: last === '' ? length : Math.min(Number(last) + 1, length) }
}
