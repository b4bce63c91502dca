// Web seeds (BEP 19) from the real local server, which answers Range requests with 206: a
// multi-file torrent made by npm create-torrent downloads from the web seed alone, and then
// from the web seed and a WebRTC peer together.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes, createHash } from 'node:crypto'
import createTorrent from 'create-torrent'
import { startServerWith, waitComplete, fileSha256 } from './harness.mjs'
import { useRig } from './rig.mjs'

const MiB = 1 << 20
let torrent
// Uneven sizes, so pieces straddle file boundaries; a space and a subfolder test the URL path.
const FILES = { 'a.bin': 9 * MiB + 12345, 'sub/b c.bin': 6 * MiB + 1, 'z.bin': 5 * MiB - 77 }
const sha256 = {}

// Random files of those sizes in multi/, which the server serves under /webseed/multi/.
const rig = useRig({
  tmp: 'pp-webseed-',
  server: async ({ dir }) => {
    mkdirSync(join(dir, 'multi', 'sub'), { recursive: true })
    for (const [path, size] of Object.entries(FILES)) {
      const data = randomBytes(size)
      writeFileSync(join(dir, 'multi', path), data)
      sha256[path] = createHash('sha256').update(data).digest('hex')
    }
    return startServerWith({ '/webseed/': dir })
  },
  // create-torrent's torrent of them, with the server's /webseed/ as its web seed.
  setup: async ({ dir, server }) => {
    torrent = await new Promise((resolve, reject) => createTorrent(join(dir, 'multi'),
      { announceList: [], urlList: [`${server.url}webseed/`] }, (err, t) => err ? reject(err) : resolve(t)))
  }
})
const peer = () => rig.pagePeer()

/** The page's file index of each path (paths as the core reports them, in any form). */
async function filesOf (p, id) {
  const info = await p.run((pump, id) => pump.info(id), id)
  return Object.keys(FILES).map(path => {
    const f = info.files.find(f => f.path === path || f.path.endsWith(`/${path}`))
    assert.ok(f, `${path} is among ${info.files.map(f => f.path)}`)
    return { path, index: f.index }
  })
}

let first = null

test('a multi-file torrent downloads from a web seed alone', { timeout: 240000 }, async () => {
  const p = await peer()
  const id = await p.run((pump, bytes) => pump.addTorrentFile(new Uint8Array(bytes)), Array.from(torrent))
  const info = await p.run((pump, id) => pump.info(id), id)
  assert.deepEqual(info.webSeeds, [`${rig.server.url}webseed/`])
  let sawWebSeed = false
  const watch = setInterval(async () => {
    const list = await p.run((pump, id) => pump.peers(id), id).catch(() => [])
    if (list.some(x => x.source === 'webseed')) sawWebSeed = true
  }, 200)
  try {
    await waitComplete(p.page, id)
  } finally {
    clearInterval(watch)
  }
  assert.ok(sawWebSeed, 'the web seed shows among the peers')
  const stats = await p.run((pump, id) => pump.stats(id), id)
  assert.ok(stats.downloaded >= info.length, `downloaded ${stats.downloaded} of ${info.length}`)
  for (const { path, index } of await filesOf(p, id)) assert.equal(await fileSha256(p, id, index), sha256[path], path)
  assert.deepEqual(p.errors, [])
  first = { peer: p, id }
})

test('web seed and a WebRTC peer together', { timeout: 240000 }, async () => {
  assert.ok(first, 'the web-seed-only download ran first and now seeds over WebRTC')
  const p = await peer()
  // A download limit keeps the transfer long enough for the WebRTC link to join in.
  await p.run(pump => pump.setRateLimits(4 * 1000 * 1000, 0))
  const id = await p.run((pump, bytes) => pump.addTorrentFile(new Uint8Array(bytes)), Array.from(torrent))
  const delivered = { webrtc: false, webseed: false }
  const watch = setInterval(async () => {
    const list = await p.run((pump, id) => pump.peers(id), id).catch(() => [])
    for (const x of list) if (x.downSpeed > 0) delivered[x.source] = true
  }, 150)
  try {
    await waitComplete(p.page, id)
  } finally {
    clearInterval(watch)
  }
  assert.deepEqual(delivered, { webrtc: true, webseed: true }, 'both kinds of source sent data')
  for (const { path, index } of await filesOf(p, id)) assert.equal(await fileSha256(p, id, index), sha256[path], path)
  assert.deepEqual(p.errors, [])
})
