// Sends one file over HTTP with single-range support (RFC 9110 §14): web seeds (BEP 19) fetch
// whole pieces as `Range: bytes=a-b`, and <video> seeks with open ranges.

import { createReadStream } from 'node:fs'
import { parseRange } from './stream/range.js'

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
      'Content-Range': `bytes ${range.start}-${range.end - 1}/${size}`,
      'Content-Length': range.end - range.start
    })
  } else {
    res.writeHead(200, { ...common, 'Content-Length': size })
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end()
    return 0
  }
  const stream = createReadStream(path, range ? { start: range.start, end: range.end - 1 } : {})
  stream.on('error', () => res.destroy())
  stream.pipe(res)
  return range ? range.end - range.start : size
}
