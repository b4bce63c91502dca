// Torrents with BEP 47 pad files: the page's file list hides the pads, and the pump finds
// files by the core's index (which counts the pads), not by position in that list. A padded
// .torrent made elsewhere and its files picked from disk are seeded: pads are zeros the seeder
// writes itself, and a leecher verifies every piece and gets the files' exact bytes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitComplete, fileSha256 } from './harness.mjs'
import { useRig } from './rig.mjs'

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

/**
 * The info dict of a torrent named 'padded' of `files` ([{path, data}]) as a BEP 47 client
 * makes it: each file but the last followed by a pad file up to the next piece boundary (the
 * last too, `tailPad`).
 */
function paddedInfo (files, { tailPad = false } = {}) {
  const list = []
  const parts = []
  files.forEach(({ path, data }, i) => {
    list.push({ length: data.length, path })
    parts.push(data)
    const pad = (PIECE - data.length % PIECE) % PIECE
    if (pad && (i < files.length - 1 || tailPad)) {
      list.push({ attr: 'p', length: pad, path: ['.pad', String(pad)] })
      parts.push(Buffer.alloc(pad))
    }
  })
  const data = Buffer.concat(parts)
  const pieces = []
  for (let at = 0; at < data.length; at += PIECE) pieces.push(createHash('sha1').update(data.subarray(at, at + PIECE)).digest())
  return { files: list, name: 'padded', 'piece length': PIECE, pieces: Buffer.concat(pieces) }
}

const paddedTorrent = (files, options) => bencode({ info: paddedInfo(files, options) })
const infoHash = (files, options) => createHash('sha1').update(bencode(paddedInfo(files, options))).digest('hex')

/** Writes `files` under root/padded/ as they would be on disk. */
function writeFolder (root, files) {
  for (const { path, data } of files) {
    mkdirSync(join(root, 'padded', ...path.slice(0, -1)), { recursive: true })
    writeFileSync(join(root, 'padded', ...path), data)
  }
}

let peer
const rig = useRig({ setup: async rig => { peer = await rig.pagePeer() } })

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
  }, [...paddedTorrent([{ path: ['a.bin'], data: Buffer.alloc(10000, 1) }, { path: ['b.bin'], data: Buffer.alloc(20000, 2) }])])
  assert.deepEqual(got.files, [[0, 'a.bin', 10000], [2, 'b.bin', 20000]])
  assert.equal(got.readB, 'waiting')
  assert.equal(got.readPad, 'pump.unknown-file')
})

test('a padded .torrent and its files picked from disk seed; a leecher verifies every piece and gets the same bytes',
  { timeout: 180000 }, async () => {
    // Sizes that leave every file short of a piece boundary, one file in a subfolder, and a
    // pad after the last file too (BEP 47 allows it).
    const files = [
      { path: ['a.bin'], data: randomBytes(40000) },
      { path: ['sub', 'b.bin'], data: randomBytes(70000) },
      { path: ['c.bin'], data: randomBytes(5000) }
    ]
    const torrent = paddedTorrent(files, { tailPad: true })
    const root = mkdtempSync(join(tmpdir(), 'peerpage-padded-'))
    try {
      writeFolder(root, files)
      // The seeder picks the folder from disk, as a user does with a folder input.
      await peer.page.evaluate(() => {
        const input = Object.assign(document.createElement('input'), { type: 'file', id: 'pick-padded', webkitdirectory: true })
        document.body.append(input)
      })
      await peer.page.setInputFiles('#pick-padded', join(root, 'padded'))
      const seeded = await peer.run(async (pump, bytes) => {
        const copied = new Set()
        pump.addEventListener('seeding', e => copied.add(e.detail.id))
        const id = await pump.seedFiles(document.getElementById('pick-padded').files, { torrent: new Uint8Array(bytes) })
        while (!copied.has(id)) await new Promise(resolve => setTimeout(resolve, 50))
        const info = pump.info(id)
        return { id, magnet: info.magnet, length: info.length, complete: pump.stats(id).complete }
      }, [...torrent])
      assert.equal(seeded.length, 147456, 'the torrent counts the pads: 9 pieces of 16 KiB')
      assert.equal(seeded.complete, true)

      const leecher = await rig.pagePeer()
      const id = await leecher.run((pump, magnet) => {
        window.__hashFailed = 0
        pump.addEventListener('hash-failed', () => { window.__hashFailed++ })
        return pump.addMagnet(magnet)
      }, seeded.magnet)
      await waitComplete(leecher.page, id, 120000)
      const got = await leecher.run((pump, id) => ({
        files: pump.info(id).files.map(f => [f.index, f.path, f.length]),
        verified: pump.stats(id).verifiedPieces,
        hashFailed: window.__hashFailed
      }), id)
      assert.deepEqual(got.files, [[0, 'a.bin', 40000], [2, 'sub/b.bin', 70000], [4, 'c.bin', 5000]])
      assert.equal(got.verified, 9)
      assert.equal(got.hashFailed, 0, 'no piece the seeder sent failed its hash')
      const sha256 = data => createHash('sha256').update(data).digest('hex')
      for (const [i, [index]] of got.files.entries()) {
        assert.equal(await fileSha256(leecher, id, index), sha256(files[i].data), files[i].path.join('/'))
      }
      assert.deepEqual(leecher.errors, [])
      assert.deepEqual(peer.errors, [])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

test('the add flow seeds a padded .torrent picked together with its files', { timeout: 60000 }, async () => {
  const files = [
    { path: ['a.bin'], data: randomBytes(30000) },
    { path: ['sub', 'b.bin'], data: randomBytes(50000) }
  ]
  const root = mkdtempSync(join(tmpdir(), 'peerpage-padded-'))
  try {
    writeFolder(root, files)
    writeFileSync(join(root, 'padded.torrent'), paddedTorrent(files))
    const hash = infoHash(files)
    // The .torrent opened alone joins its swarm (nobody has it yet)...
    await peer.page.setInputFiles('#torrent-file', join(root, 'padded.torrent'))
    await peer.page.waitForSelector(`#torrent-list li[data-info-hash="${hash}"]`)
    assert.equal(await peer.run((pump, hash) => pump.stats(pump.idOf(hash)).complete, hash), false)
    // Files of the right sizes but other bytes are refused by their piece hashes, naming the
    // file; the download stays.
    const damaged = Buffer.from(files[1].data)
    damaged[25000] ^= 0xff
    mkdirSync(join(root, 'damaged'))
    writeFileSync(join(root, 'damaged', 'b.bin'), damaged)
    await peer.page.setInputFiles('#create-files', [join(root, 'padded.torrent'), join(root, 'padded', 'a.bin'), join(root, 'damaged', 'b.bin')])
    await peer.page.waitForSelector('#error:not([hidden])')
    assert.match(await peer.page.textContent('#error'), /piece \d differs .*\(in sub\/b\.bin\).*\[pump\.files-mismatch\]/)
    assert.equal(await peer.run((pump, hash) => pump.stats(pump.idOf(hash)).complete, hash), false)
    // "Create from files…" with the .torrent among its own files (picked without their
    // folders) seeds them in its place.
    await peer.page.setInputFiles('#create-files', [join(root, 'padded.torrent'), join(root, 'padded', 'a.bin'), join(root, 'padded', 'sub', 'b.bin')])
    await peer.page.waitForFunction(hash => {
      const id = window.__pump.idOf(hash)
      return id !== undefined && window.__pump.stats(id).complete
    }, hash)
    assert.equal(await peer.page.locator(`#torrent-list li[data-info-hash="${hash}"]`).count(), 1)
    assert.equal(await peer.page.isVisible('#error'), false, 'no error shown')
    const got = await peer.run(async (pump, hash) => {
      const id = pump.idOf(hash)
      const hex = async bytes => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), b => b.toString(16).padStart(2, '0')).join('')
      const out = { complete: pump.stats(id).complete, files: [] }
      for (const f of pump.info(id).files) out.files.push([f.index, f.path, await hex(await pump.readRange(id, f.index, 0, f.length))])
      await pump.remove(id, { deleteData: true })
      return out
    }, hash)
    assert.equal(got.complete, true)
    const sha256 = data => createHash('sha256').update(data).digest('hex')
    assert.deepEqual(got.files, [[0, 'a.bin', sha256(files[0].data)], [2, 'sub/b.bin', sha256(files[1].data)]])
    assert.deepEqual(peer.errors, [])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
