// Sends one file over HTTP with single-range support (RFC 9110 §14): web seeds (BEP 19) fetch
// whole pieces as `Range: bytes=a-b`, and <video> seeks with open ranges.

import { createReadStream } from 'node:fs'

/**
 * The byte range a `Range` header asks of a file of `size` bytes: `null` for the whole file
 * (no header, another unit, or several ranges, which we may ignore and answer with 200),
 * `{start, end}` (inclusive), or `'unsatisfiable'`.
 */
export function parseRange (header, size) {
  if (!header) return null
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return null
  const [, first, last] = m
  if (first === '' && last === '') return null
  if (first === '') {
    // A suffix: the last N bytes.
    const n = Number(last)
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return null // invalid: ignored, as the RFC says
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}

/**
 * Answers `req` with the file at `path` (already `stat`ed); `headers` are added to every
 * answer. Returns the number of body bytes it sends.
 */
export function sendFile (req, res, path, stat, headers = {}) {
  const size = stat.size
  const range = parseRange(req.headers.range, size)
  const common = { ...headers, 'Accept-Ranges': 'bytes', 'Last-Modified': stat.mtime.toUTCString() }
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 })
    res.end()
    return 0
  }
  if (range) {
    res.writeHead(206, {
      ...common,
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      'Content-Length': range.end - range.start + 1
    })
  } else {
    res.writeHead(200, { ...common, 'Content-Length': size })
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end()
    return 0
  }
  const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {})
  stream.on('error', () => res.destroy())
  stream.pipe(res)
  return range ? range.end - range.start + 1 : size
}
