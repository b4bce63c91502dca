// Seeding local files: each goes to its torrent file's offset, found by path (below the
// torrent's name or with it) or by position; BEP 47 pad files are the gaps the pump zeroes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { placeFiles, wholeTorrent, firstBadPiece, filesOfPiece } from '../../www/seed-layout.js'

// a.bin 10 000 bytes, a pad to 16 384, b.bin 20 000, a tail pad to 49 152 (the core hides pads).
const info = {
  name: 'padded',
  length: 49152,
  files: [
    { index: 0, path: 'a.bin', length: 10000, offset: 0 },
    { index: 2, path: 'sub/b.bin', length: 20000, offset: 16384 }
  ]
}
const a = { size: 10000 }
const b = { size: 20000 }

test('files are placed at their offsets by path; the pads are the gaps', () => {
  const padGaps = [{ offset: 10000, length: 6384 }, { offset: 36384, length: 12768 }]
  const below = placeFiles(info, [{ file: b, path: ['sub', 'b.bin'] }, { file: a, path: ['a.bin'] }])
  assert.deepEqual(below, { files: [{ file: a, offset: 0 }, { file: b, offset: 16384 }], gaps: padGaps })
  // A folder pick names the torrent's folder first; other files in it are not the torrent's.
  const picked = placeFiles(info, [
    { file: { size: 5 }, path: ['padded', 'notes.txt'] },
    { file: b, path: ['padded', 'sub', 'b.bin'] },
    { file: a, path: ['padded', 'a.bin'] }
  ])
  assert.deepEqual(picked.files, [{ file: a, offset: 0 }, { file: b, offset: 16384 }])
})

test('files picked without their folders match by name and size', () => {
  const got = placeFiles(info, [{ file: b, path: ['b.bin'] }, { file: a, path: ['a.bin'] }, { file: { size: 7 }, path: ['b.bin.txt'] }])
  assert.deepEqual(got.files, [{ file: a, offset: 0 }, { file: b, offset: 16384 }])
  // Two torrent files of one name and size cannot both take the one entry of that name.
  const twins = { name: 't', length: 20, files: [{ path: 'x/f', length: 10, offset: 0 }, { path: 'y/f', length: 10, offset: 10 }] }
  assert.throws(() => placeFiles(twins, [{ file: { size: 10 }, path: ['f'] }]), { code: 'pump.files-mismatch' })
})

test('files named otherwise match by position, one per torrent file', () => {
  const got = placeFiles(info, [{ file: a, path: ['x'] }, { file: b, path: ['y'] }])
  assert.deepEqual(got.files, [{ file: a, offset: 0 }, { file: b, offset: 16384 }])
  // Back to back, no pads: no gaps.
  const plain = { name: 'f', length: 30000, files: [{ path: 'a.bin', length: 10000, offset: 0 }, { path: 'b.bin', length: 20000, offset: 10000 }] }
  assert.deepEqual(placeFiles(plain, [{ file: a, path: ['a.bin'] }, { file: b, path: ['b.bin'] }]).gaps, [])
})

test('missing files and files of another size are refused with pump.files-mismatch', () => {
  assert.throws(() => placeFiles(info, [{ file: a, path: ['a.bin'] }]), { code: 'pump.files-mismatch' })
  assert.throws(() => placeFiles(info, [{ file: a, path: ['a.bin'] }, { file: { size: 19999 }, path: ['sub', 'b.bin'] }]),
    { code: 'pump.files-mismatch', message: /sub\/b\.bin has 19999 bytes/ })
  assert.throws(() => placeFiles(info, [{ file: b, path: ['x'] }, { file: a, path: ['y'] }]), { code: 'pump.files-mismatch' })
})

test('the whole torrent is the files and zero blobs for the pads, in offset order', async () => {
  const fa = new Blob([new Uint8Array(10000).fill(1)])
  const fb = new Blob([new Uint8Array(20000).fill(2)])
  const whole = wholeTorrent(placeFiles(info, [{ file: fb, path: ['sub', 'b.bin'] }, { file: fa, path: ['a.bin'] }]))
  assert.deepEqual(whole.map(p => p.file.size), [10000, 6384, 20000, 12768])
  const bytes = new Uint8Array(await new Blob(whole.map(p => p.file)).arrayBuffer())
  assert.equal(bytes.length, info.length)
  assert.deepEqual([bytes[9999], bytes[10000], bytes[16383], bytes[16384], bytes[36383], bytes[36384], bytes[49151]], [1, 0, 0, 2, 2, 0, 0])
})

test('the first piece whose hash differs, and the files that hold it', () => {
  const want = new Uint8Array(60).map((_, i) => i)
  assert.equal(firstBadPiece(want, want.slice()), -1)
  const got = want.slice()
  got[45] ^= 1
  assert.equal(firstBadPiece(want, got), 2)
  const view = { ...info, pieceLength: 16384 }
  // Piece 0 is a.bin and its pad; piece 1 is b.bin alone; piece 2 is b.bin's end and the tail pad.
  assert.deepEqual(filesOfPiece(view, 0).map(f => f.path), ['a.bin'])
  assert.deepEqual(filesOfPiece(view, 2).map(f => f.path), ['sub/b.bin'])
})
