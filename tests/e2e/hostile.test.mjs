// A hostile peer: a real peerpage pump in its own Chromium instance, speaking the wire
// protocol over its own RTCPeerConnections, whose storage lies (every block it uploads has a
// flipped byte). The victim bans it, an honest seeder joins, and the file is still correct.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { waitComplete, fileSha256, seedGenerated } from './harness.mjs'
import { useRig } from './rig.mjs'

const MiB = 1 << 20
const SIZE = 8 * MiB
const SEED = 0x5eed1234 // both seeders make the same file, so the same torrent
const rig = useRig()

test('a peer sending corrupt blocks is banned and the file is still correct', { timeout: 300000 }, async () => {
  const hostile = await rig.pagePeer()
  const victim = await rig.pagePeer()

  // The hostile page runs a second Pump of its own with lying storage (and no resume data).
  const bad = await hostile.run(async (_, { tracker, size, seed }) => {
    const { Pump } = await import('/pump.js')
    const memory = await import('/storage/memory.js')
    const storage = {
      kind: 'corrupt',
      async open (hash, length, pieces) {
        const store = await memory.open(hash, length, pieces)
        return {
          ...store,
          async read (offset, len) {
            const bytes = await store.read(offset, len)
            for (let i = 0; i < bytes.length; i += 16384) bytes[i] ^= 0xff
            return bytes
          }
        }
      }
    }
    const pump = await Pump.start({ trackers: [tracker], storage, db: null })
    window.__pump = pump // the helpers below now drive the hostile pump
    return { peerId: Array.from(pump.peerId, b => b.toString(16).padStart(2, '0')).join('') }
  }, { tracker: rig.server.trackerUrl, size: SIZE, seed: SEED })
  const seeded = await seedGenerated(hostile, { size: SIZE, name: 'target.bin', seed: SEED })

  const events = await victim.run(pump => {
    window.__events = { banned: [], hashFailed: 0 }
    pump.addEventListener('banned', e => window.__events.banned.push(e.detail.peerId))
    pump.addEventListener('hash-failed', () => window.__events.hashFailed++)
    return true
  })
  assert.ok(events)
  const id = await victim.run((pump, magnet) => pump.addMagnet(magnet), seeded.magnet)
  await victim.page.waitForFunction(() => window.__events.banned.length > 0, null, { polling: 200, timeout: 120000 })
  const seen = await victim.page.evaluate(() => window.__events)
  assert.ok(seen.hashFailed > 0, 'pieces from the hostile peer failed their hash')
  assert.deepEqual(seen.banned, [bad.peerId], 'the hostile peer, and only it, was banned')

  // An honest seeder of the same file joins; the victim finishes from it alone.
  const honest = await rig.pagePeer()
  const good = await seedGenerated(honest, { size: SIZE, name: 'target.bin', seed: SEED })
  assert.equal(good.infoHash, seeded.infoHash)
  await waitComplete(victim.page, id)
  assert.equal(await fileSha256(victim, id, 0), good.sha256)
  const after = await victim.run((pump, id) => pump.peers(id).map(p => p.peerId), id)
  assert.ok(!after.includes(bad.peerId), 'the banned peer is not connected again')
  assert.deepEqual(victim.errors, [])
})
