// peerpage pages sharing files over real WebRTC, each page in its own Chromium instance,
// through the real local server's bittorrent-tracker: one seeder to one leecher by magnet,
// and one seeder to three leechers where the seeder leaves once the leechers together hold every
// piece, each about a third, so they finish from each other.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor, waitComplete, fileSha256, seedGenerated } from './harness.mjs'
import { useRig } from './rig.mjs'

const MiB = 1 << 20
const rig = useRig()
const peer = () => rig.pagePeer()

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
})

// An upload limit of 1 B/s: one 16 KiB block may go, then the bucket is in debt for hours.
const HELD = 1

/**
 * Seeds a folder of `sizes.length` random files made in the page; returns {id, magnet,
 * sha256: [hex per file, in the torrent's order]}.
 */
function seedFolder (peer, sizes) {
  return peer.run(async (pump, sizes) => {
    const hex = buf => Array.from(new Uint8Array(buf), b => b.toString(16).padStart(2, '0')).join('')
    const files = sizes.map((size, i) => {
      const parts = []
      for (let at = 0; at < size; at += 65536) parts.push(crypto.getRandomValues(new Uint8Array(Math.min(65536, size - at))))
      return { path: ['swarm', `part-${i}.bin`], file: new File(parts, `part-${i}.bin`) }
    })
    const id = await pump.seedFiles(files)
    const sha256 = await Promise.all(files.map(async f => hex(await crypto.subtle.digest('SHA-256', await f.file.arrayBuffer()))))
    return { id, magnet: pump.info(id).magnet, sha256 }
  }, sizes)
}

test('1 seeder + 3 leechers: the seeder leaves once the leechers together hold every piece; they finish from each other',
  { timeout: 400000 }, async () => {
    const seeder = await peer()
    const leechers = [await peer(), await peer(), await peer()]
    // A folder of three files, a third of 32 MiB each; uneven sizes, so pieces straddle files.
    const sizes = [11 * MiB - 4321, 10 * MiB + 777, 11 * MiB + 3544]
    const seeded = await seedFolder(seeder, sizes)
    // Leecher i first wants file i alone: while the seeder is there, the leechers have nothing
    // to trade, so when together they hold every piece each holds only about a third, and
    // nothing the seeder does can finish anyone. No timing decides it. The seeder uploads no
    // piece until all four are connected to each other (metadata is not rate limited): a
    // leecher that has its file stops looking for peers.
    await seeder.run((pump, up) => pump.setRateLimits(0, up), HELD)
    const ids = []
    for (const [i, l] of leechers.entries()) {
      ids.push(await l.run(async (pump, { magnet, mine }) => {
        const id = pump.addMagnet(magnet)
        await pump.whenMetadata(id)
        for (const f of pump.info(id).files) if (f.index !== mine) pump.setFilePriority(id, f.index, 'skip')
        return id
      }, { magnet: seeded.magnet, mine: i }))
    }
    const webrtcPeers = (p, id) => p.run((pump, id) => pump.peers(id).filter(x => x.source === 'webrtc').map(x => x.peerId), id)
    const meshed = async () => (await webrtcPeers(seeder, seeded.id)).length === 3 &&
      (await Promise.all(leechers.map((l, i) => webrtcPeers(l, ids[i])))).every(p => p.length === 3)
    await waitFor(meshed, { timeout: 60000, what: 'the seeder and the three leechers all connected to each other' })
    await seeder.run(pump => pump.setRateLimits(0, 0))

    // When every leecher has its file, the leechers together hold every piece. (A leecher
    // with all it wants closes its link to the seeder; those between leechers stay.)
    for (let i = 0; i < 3; i++) await waitComplete(leechers[i].page, ids[i])
    const seederId = await seeder.run(pump => Array.from(pump.peerId, b => b.toString(16).padStart(2, '0')).join(''))
    const others = await Promise.all(leechers.map(async (l, i) => (await webrtcPeers(l, ids[i])).filter(id => id !== seederId).length))
    assert.deepEqual(others, [2, 2, 2], 'each leecher is still connected to the two others')
    await seeder.close()

    const held = await Promise.all(leechers.map((l, i) => l.run((pump, id) => Array.from(pump.pieceMap(id)), ids[i])))
    const { pieceCount: count, pieceLength } = await leechers[0].run((pump, id) => pump.info(id), ids[0])
    const has = (map, p) => (map[p >> 3] & (0x80 >> (p & 7))) !== 0
    const pieces = Array.from({ length: count }, (_, p) => p)
    assert.ok(pieces.every(p => held.some(m => has(m, p))), 'the leechers together hold every piece')
    const shares = held.map(m => pieces.filter(p => has(m, p)).length)
    // Pieces one leecher alone holds: the others can get them only from it.
    const only = held.map((m, i) => pieces.filter(p => has(m, p) && held.every((o, j) => j === i || !has(o, p))).length)
    console.log(`seeder left with the leechers holding ${shares.map(n => `${(100 * n / count).toFixed(0)}%`).join(', ')} of ${count} pieces`)
    for (const n of shares) assert.ok(n <= count / 2, `each leecher held half the pieces or less (${shares} of ${count})`)
    for (const n of only) assert.ok(n > 0, `each leecher held pieces no other had (${only})`)

    // Now each wants the whole folder, which only the others can give it.
    const uploadedBefore = []
    for (let i = 0; i < 3; i++) {
      uploadedBefore.push(await leechers[i].run((pump, id) => {
        for (const f of pump.info(id).files) pump.setFilePriority(id, f.index, 'normal')
        return pump.stats(id).uploaded
      }, ids[i]))
    }
    for (let i = 0; i < 3; i++) await waitComplete(leechers[i].page, ids[i])
    for (let i = 0; i < 3; i++) {
      const stats = await leechers[i].run((pump, id) => pump.stats(id), ids[i])
      assert.equal(stats.verifiedPieces, count)
      for (let f = 0; f < sizes.length; f++) assert.equal(await fileSha256(leechers[i], ids[i], f), seeded.sha256[f], `leecher ${i}, file ${f}`)
      // Its own pieces reached the others from it alone (the last piece may be short).
      const uploaded = stats.uploaded - uploadedBefore[i]
      assert.ok(uploaded >= (only[i] - 1) * pieceLength, `leecher ${i} uploaded ${uploaded} bytes for ${only[i]} pieces only it held`)
    }
    for (const l of leechers) assert.deepEqual(l.errors, [])
  })
