// A torrent with a BEP 47 pad file: the page's file list hides the pad, and the pump finds
// files by the core's index (which counts the pad), not by position in that list.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startServer, pagePeer } from './harness.mjs'

const PIECE = 16384

/** Bencodes strings, numbers, byte arrays, arrays and objects (keys sorted). */
function bencode (v) {
  if (typeof v === 'number') return Buffer.from(`i${v}e`)
  if (typeof v === 'string') v = Buffer.from(v)
  if (Buffer.isBuffer(v)) return Buffer.concat([Buffer.from(`${v.length}:`), v])
  if (Array.isArray(v)) return Buffer.concat([Buffer.from('l'), ...v.map(bencode), Buffer.from('e')])
  const keys = Object.keys(v).sort()
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap(k => [bencode(k), bencode(v[k])]), Buffer.from('e')])
}

/** a.bin (10 000 bytes), a pad file up to the piece boundary, b.bin (20 000 bytes). */
function paddedTorrent () {
  const a = Buffer.alloc(10000, 1)
  const pad = PIECE - a.length
  const b = Buffer.alloc(20000, 2)
  const data = Buffer.concat([a, Buffer.alloc(pad), b])
  const pieces = []
  for (let at = 0; at < data.length; at += PIECE) pieces.push(createHash('sha1').update(data.subarray(at, at + PIECE)).digest())
  const info = {
    files: [
      { length: a.length, path: ['a.bin'] },
      { attr: 'p', length: pad, path: ['.pad', String(pad)] },
      { length: b.length, path: ['b.bin'] }
    ],
    name: 'padded',
    'piece length': PIECE,
    pieces: Buffer.concat(pieces)
  }
  return bencode({ info })
}

let server, peer

before(async () => {
  server = await startServer()
  peer = await pagePeer(server)
})

after(async () => {
  await peer?.close()
  await server?.close()
})

test('files are read by the core\'s index, which counts the hidden pad file', async () => {
  const got = await peer.run(async (pump, bytes) => {
    const id = pump.addTorrentFile(new Uint8Array(bytes))
    await pump.whenMetadata(id)
    const { info } = pump.list().find(t => t.id === id)
    const outcome = p => Promise.race([
      p.then(() => 'read', err => err.code),
      new Promise(resolve => setTimeout(() => resolve('waiting'), 1000))
    ])
    // No peer has the pieces: a read of a real file waits for them; index 1 is the pad.
    const b = info.files.find(f => f.path.endsWith('b.bin'))
    const out = {
      files: info.files.map(f => [f.index, f.path, f.length]),
      readB: await outcome(pump.readRange(id, b.index, 0, 100)),
      readPad: await outcome(pump.readRange(id, 1, 0, 100))
    }
    await pump.remove(id, { deleteData: true })
    return out
  }, [...paddedTorrent()])
  assert.deepEqual(got.files, [[0, 'a.bin', 10000], [2, 'b.bin', 20000]])
  assert.equal(got.readB, 'waiting')
  assert.equal(got.readPad, 'pump.unknown-file')
})
