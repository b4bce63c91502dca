// peerpage pages sharing files over real WebRTC, each page in its own Chromium instance,
// through the real local server's bittorrent-tracker: one seeder to one leecher by magnet,
// and one seeder to three leechers where the seeder leaves as soon as the leechers together hold
// every piece, so they finish from each other.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, pagePeer, waitComplete, fileSha256, seedGenerated } from './harness.mjs'

const MiB = 1 << 20
let server
const peers = []

before(async () => {
  server = await startServer()
})

after(async () => {
  for (const p of peers) await p.close().catch(() => {})
  await server?.close()
})

async function peer () {
  const p = await pagePeer(server)
  peers.push(p)
  return p
}

test('a leecher joins a seeder by magnet and gets the same 32 MiB', { timeout: 300000 }, async () => {
  const seeder = await peer()
  const leecher = await peer()
  const seeded = await seedGenerated(seeder, { size: 32 * MiB, name: 'random-32MiB.bin' })
  assert.match(seeded.magnet, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/)

  const id = await leecher.run((pump, magnet) => pump.addMagnet(magnet), seeded.magnet)
  await waitComplete(leecher.page, id)
  const stats = await leecher.run((pump, id) => pump.stats(id), id)
  assert.equal(stats.verifiedPieces, (await leecher.run((pump, id) => pump.info(id), id)).pieceCount)
  assert.equal(await fileSha256(leecher, id, 0), seeded.sha256)
  const uploaded = await seeder.run((pump, id) => pump.stats(id).uploaded, seeded.id)
  assert.ok(uploaded >= 32 * MiB, `the seeder uploaded ${uploaded} bytes`)
  assert.deepEqual(seeder.errors, [])
  assert.deepEqual(leecher.errors, [])
  for (const p of [seeder, leecher]) await p.close()
  peers.length = 0
})

test('1 seeder + 3 leechers: the seeder leaves once the leechers together hold every piece; they finish from each other',
  { timeout: 400000 }, async () => {
    const seeder = await peer()
    const leechers = [await peer(), await peer(), await peer()]
    // Slow uploads, so the seeder's leaving comes while each leecher still lacks much.
    await seeder.run(pump => pump.setRateLimits(0, 2 * 1000 * 1000))
    const seeded = await seedGenerated(seeder, { size: 32 * MiB, name: 'swarm.bin' })
    const ids = []
    for (const l of leechers) {
      await l.run(pump => pump.setRateLimits(0, 1000 * 1000))
      ids.push(await l.run((pump, magnet) => pump.addMagnet(magnet), seeded.magnet))
    }

    // Wait until the leechers together hold every piece, then the seeder goes away.
    const maps = () => Promise.all(leechers.map((l, i) => l.run((pump, id) => {
      const info = pump.info(id)
      return info.hasMetadata ? { count: info.pieceCount, map: Array.from(pump.pieceMap(id)) } : null
    }, ids[i])))
    let progress
    for (;;) {
      const all = await maps()
      if (all.every(Boolean)) {
        const count = all[0].count
        const has = (m, p) => (m.map[p >> 3] & (0x80 >> (p & 7))) !== 0
        let union = 0
        for (let p = 0; p < count; p++) if (all.some(m => has(m, p))) union++
        if (union === count) {
          progress = all.map(m => { let n = 0; for (let p = 0; p < count; p++) n += has(m, p); return n / count })
          break
        }
      }
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    await seeder.close()
    peers.splice(peers.indexOf(seeder), 1)
    console.log(`seeder left with the leechers at ${progress.map(p => `${(100 * p).toFixed(0)}%`).join(', ')}`)
    // The point: some leechers still lacked pieces that only the others held.
    assert.ok(progress.filter(p => p < 1).length >= 2, 'at least two leechers were incomplete when the seeder left')

    for (const l of leechers) await l.run(pump => pump.setRateLimits(0, 0))
    for (let i = 0; i < 3; i++) await waitComplete(leechers[i].page, ids[i])
    for (let i = 0; i < 3; i++) assert.equal(await fileSha256(leechers[i], ids[i], 0), seeded.sha256)
    for (const l of leechers) assert.deepEqual(l.errors, [])
  })
