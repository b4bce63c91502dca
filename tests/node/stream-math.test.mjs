// The page's pure helpers: Range header parsing (shared by the streaming service worker and the
// local server), content types (nothing runnable is served as a document), and per-file
// progress from a piece map.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRange } from '../../www/stream/range.js'
import { contentType, mediaKind } from '../../www/stream/media-types.js'
import { fileProgress, torrentProgress, eta } from '../../www/ui/progress.js'
import { Bits } from '../../www/bits.js'

test('Range: the forms media elements send, with exclusive ends', () => {
  assert.equal(parseRange(null, 100), null)
  assert.deepEqual(parseRange('bytes=0-', 100), { start: 0, end: 100 })
  assert.deepEqual(parseRange('bytes=10-19', 100), { start: 10, end: 20 })
  assert.deepEqual(parseRange('bytes=90-500', 100), { start: 90, end: 100 })
  assert.deepEqual(parseRange('bytes=-30', 100), { start: 70, end: 100 })
  assert.deepEqual(parseRange('bytes=-300', 100), { start: 0, end: 100 })
  assert.deepEqual(parseRange('BYTES = 5 - 6', 100), { start: 5, end: 7 })
  assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 1 })
})

test('Range: unsatisfiable and unusable headers', () => {
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable')
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable')
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable')
  // Not one simple range: the whole file is an allowed answer.
  assert.equal(parseRange('bytes=0-1,5-6', 100), null)
  assert.equal(parseRange('items=0-1', 100), null)
  assert.equal(parseRange('bytes=-', 100), null)
  assert.equal(parseRange('bytes=9-3', 100), null)
  // Invalid (last before first) is ignored even past the end; an empty file has no suffix.
  assert.equal(parseRange('bytes=150-120', 100), null)
  assert.equal(parseRange('bytes=-5', 0), 'unsatisfiable')
  assert.equal(parseRange(undefined, 10), null)
})

test('content types: media by extension, nothing a browser would run', () => {
  assert.equal(contentType('a/b/Movie.MP4'), 'video/mp4')
  assert.equal(contentType('x.webm'), 'video/webm')
  assert.equal(contentType('song.flac'), 'audio/flac')
  for (const name of ['page.html', 'x.htm', 'pic.svg', 'a.js', 'feed.xml', 'noext']) {
    assert.equal(contentType(name), 'application/octet-stream', name)
  }
  assert.equal(mediaKind('x.mkv'), 'video')
  assert.equal(mediaKind('x.opus'), 'audio')
  assert.equal(mediaKind('x.txt'), '')
})

test('file progress counts only the part of each piece inside the file', () => {
  // Pieces of 10 bytes; files 0..15, 15..15 (empty), 15..32. Length 32: 4 pieces.
  const info = {
    pieceLength: 10,
    length: 32,
    pieceCount: 4,
    files: [{ offset: 0, length: 15 }, { offset: 15, length: 0 }, { offset: 15, length: 17 }]
  }
  // Pieces 1 (10..20) and 3 (30..32) verified: bits 0b0101_0000.
  const map = Uint8Array.of(0x50)
  assert.deepEqual(fileProgress(info, map), [5 / 15, 1, (5 + 2) / 17])
  assert.equal(new Bits(4, map).cardinality(), 2)
})

test('overall progress and time left follow the wanted bytes', () => {
  const info = { pieceCount: 4 }
  assert.equal(torrentProgress(info, { wantedBytes: 200, haveBytes: 50 }), 0.25)
  assert.equal(torrentProgress(info, { wantedBytes: 0, haveBytes: 0, verifiedPieces: 1 }), 0.25)
  assert.equal(torrentProgress(info, { complete: true }), 1)
  assert.equal(eta({ wantedBytes: 200, haveBytes: 50, downSpeed: 50 }), 3)
  assert.equal(eta({ wantedBytes: 200, haveBytes: 50, downSpeed: 0 }), Infinity)
})
