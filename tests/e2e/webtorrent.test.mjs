// Interop with real WebTorrent 3 peers (its browser bundle, each in its own Chromium instance)
// through the same real bittorrent-tracker: WebTorrent seeds and peerpage downloads by magnet,
// and peerpage seeds and WebTorrent downloads; a folder WebTorrent seeds goes to peerpage and
// another WebTorrent at once, which then finish from each other; a WebTorrent leecher pulls
// from two peerpage seeders. The bytes must be identical every time, and the reference peers'
// own byte counts per connection say who sent what.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startTestServer, launchKind, writeRandomFile, fileDigests } from './peers.mjs'
import { waitFor } from './harness.mjs'
import { useRig } from './rig.mjs'

// Not a whole number of pieces, so the short last piece crosses the wire too.
const SIZE = 20 * 1024 * 1024 + 12345
const hex = s => Buffer.from(s).toString('hex')
// A folder of two files; uneven sizes, so a piece straddles them.
const FOLDER = { 'a.bin': 5 * 1024 * 1024 + 4321, 'b.bin': 4 * 1024 * 1024 + 1234 }
// An upload limit of 1 B/s: one 16 KiB block may go, then the bucket is in debt for hours.
const HELD = 1
let file, folder, pair
const rig = useRig({
  tmp: 'pp-interop-',
  server: () => startTestServer(),
  setup: ({ dir }) => {
    const path = join(dir, 'interop.bin')
    writeRandomFile(path, SIZE)
    file = { path, digests: fileDigests(path) }
    // A file of its own for the two seeders: no peer of another test is in its swarm.
    const pairPath = join(dir, 'pair.bin')
    writeRandomFile(pairPath, SIZE)
    pair = { path: pairPath, digests: fileDigests(pairPath) }
    folder = Object.entries(FOLDER).map(([name, size]) => {
      const path = join(dir, name)
      writeRandomFile(path, size)
      return { name, size, path, digests: fileDigests(path) }
    })
  }
})

const launch = kind => launchKind(rig.server, kind).then(rig.track)

async function share (seederKind, leecherKind) {
  const seeder = await launch(seederKind)
  const leecher = await launch(leecherKind)
  await seeder.page.setInputFiles('#pick', file.path)
  const seeded = await seeder.call('seed', rig.server.trackerUrl)
  assert.match(seeded.magnet, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/)
  const got = await leecher.call('download', seeded.magnet)
  assert.equal(got.length, SIZE)
  assert.deepEqual(await leecher.call('digests'), file.digests)
  return { seeder, leecher, seeded }
}

test('WebTorrent 3 seeds, peerpage downloads by magnet: identical bytes', { timeout: 300000 }, async () => {
  const { seeder, leecher } = await share('webtorrent', 'peerpage')
  // WebTorrent's peer id names it (-WW....-): the bytes came from WebTorrent.
  const ids = await leecher.call('peerIds')
  assert.ok(ids.some(id => id.startsWith(hex('-WW'))), `peerpage's peers: ${ids}`)
  assert.deepEqual(leecher.errors, [])
  assert.deepEqual(seeder.errors, [])
  await seeder.close()
  await leecher.close()
})

test('peerpage seeds, WebTorrent 3 downloads by magnet: identical bytes', { timeout: 300000 }, async () => {
  const { seeder, leecher } = await share('peerpage', 'webtorrent')
  const ids = await leecher.call('peerIds')
  assert.ok(ids.some(id => id.startsWith(hex('-PP'))), `WebTorrent's peers: ${ids}`)
  assert.deepEqual(leecher.errors, [])
  assert.deepEqual(seeder.errors, [])
  await seeder.close()
  await leecher.close()
})

test('a folder WebTorrent 3 seeds goes to peerpage and another WebTorrent at once; they finish from each other',
  { timeout: 300000 }, async () => {
    const seeder = await launch('webtorrent')
    const pp = await launch('peerpage')
    const wt = await launch('webtorrent')
    await seeder.page.setInputFiles('#pick', folder.map(f => f.path))
    const seeded = await seeder.call('seed', rig.server.trackerUrl, { name: 'interop-folder' })
    // peerpage first wants a.bin alone and WebTorrent b.bin alone, so while the seeder is there
    // each gets its file from the seeder; then the seeder leaves and each can get the other file
    // only from the other leecher. No timing decides who sends what.
    const ppFiles = await pp.call('join', seeded.magnet, { only: [0] })
    const wtFiles = await wt.call('join', seeded.magnet, { only: [1] })
    const names = paths => paths.map(path => path.split('/').pop())
    assert.deepEqual(names(ppFiles), ['a.bin', 'b.bin'])
    assert.deepEqual(names(wtFiles), ['a.bin', 'b.bin'])
    await Promise.all([pp.call('wantedDone'), wt.call('filesDone', [1])])
    const [ppId, wtId, seederId] = await Promise.all([pp.call('peerId'), wt.call('peerId'), seeder.call('peerId')])
    await waitFor(async () => (await pp.call('connectedIds')).includes(wtId), { what: 'peerpage and WebTorrent connected to each other' })
    const seederSent = await seeder.call('wireBytes')
    await seeder.close()

    await Promise.all([pp.call('selectAll'), wt.call('selectAll')])
    for (const [i, f] of folder.entries()) {
      assert.deepEqual(await pp.call('joinedDigests', i), f.digests, `peerpage's ${f.name}`)
      assert.deepEqual(await wt.call('joinedDigests', i), f.digests, `WebTorrent's ${f.name}`)
    }
    // WebTorrent's own counts. Every piece wholly inside a.bin reached peerpage from the
    // seeder, and WebTorrent from peerpage; every piece wholly inside b.bin reached peerpage
    // from WebTorrent.
    const [a, b] = folder
    const wholly = size => size - 2 * seeded.pieceLength
    const wtGot = await wt.call('wireBytes')
    const seen = JSON.stringify({ seederSent, wtGot, ppId, seederId })
    console.log(`peerpage got ${seederSent[ppId]?.uploaded} bytes from the seeder and ${wtGot[ppId]?.uploaded} from WebTorrent, and sent WebTorrent ${wtGot[ppId]?.downloaded}`)
    assert.ok(seederSent[ppId]?.uploaded >= wholly(a.size), `the seeder sent peerpage a.bin: ${seen}`)
    assert.ok(wtGot[ppId]?.downloaded >= wholly(a.size), `peerpage sent WebTorrent a.bin: ${seen}`)
    assert.ok(wtGot[ppId]?.uploaded >= wholly(b.size), `WebTorrent sent peerpage b.bin: ${seen}`)
    assert.deepEqual(pp.errors, [])
    assert.deepEqual(wt.errors, [])
    await pp.close()
    await wt.close()
  })

test('a WebTorrent 3 leecher pulls from two peerpage seeders at once: identical bytes, from both', { timeout: 300000 }, async () => {
  const seeders = [await launch('peerpage'), await launch('peerpage')]
  const seeded = []
  for (const s of seeders) {
    // No piece leaves either seeder until the leecher is connected to both.
    await s.call('limits', 0, HELD)
    await s.page.setInputFiles('#pick', pair.path)
    seeded.push(await s.call('seed', rig.server.trackerUrl))
  }
  const { infoHash, magnet } = seeded[0]
  assert.equal(seeded[1].infoHash, infoHash, 'the same file makes the same torrent in both pages')
  // Both seeders are in the tracker's swarm before the leecher announces, so its offers go to
  // both (a seed makes no offers of its own).
  await waitFor(() => rig.server.tracker.torrents[infoHash]?.complete === 2, { what: 'the tracker to list both seeders' })
  const leecher = await launch('webtorrent')
  const leecherId = await leecher.call('peerId')
  const got = leecher.call('download', magnet)
  for (const s of seeders) {
    await waitFor(async () => (await s.call('connectedIds')).includes(leecherId), { what: 'the leecher connected to both seeders' })
  }
  for (const s of seeders) await s.call('limits', 0, 0)
  assert.equal((await got).length, SIZE)
  assert.deepEqual(await leecher.call('digests'), pair.digests)
  const ids = await Promise.all(seeders.map(s => s.call('peerId')))
  const bytes = await leecher.call('wireBytes')
  const from = ids.map(id => bytes[id]?.downloaded ?? 0)
  console.log(`WebTorrent got ${from.join(' and ')} bytes from the two peerpage seeders`)
  for (const n of from) assert.ok(n > 0, `WebTorrent got bytes from each peerpage seeder (${from})`)
  assert.ok(from[0] + from[1] >= SIZE, `and the whole file from the two (${from})`)
  for (const s of seeders) assert.deepEqual(s.errors, [])
  assert.deepEqual(leecher.errors, [])
  for (const p of [...seeders, leecher]) await p.close()
})
