// Resume: the downloading page is reloaded at about half. The torrent, its metadata and its
// verified pieces come back from IndexedDB and OPFS, the download finishes, and no verified
// piece is stored twice (every piece's write is counted across both page loads).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exposePump, waitComplete, fileSha256, seedGenerated, runInPage } from './harness.mjs'
import { useRig } from './rig.mjs'

const MiB = 1 << 20
const rig = useRig()

test('a page reloaded at about half resumes and finishes without storing a piece twice', { timeout: 300000 }, async () => {
  const seeder = await rig.pagePeer()
  // Every piece write in the leecher's page, across reloads: the binding and the init script
  // outlive navigation, and the script subscribes before the pump can store anything.
  const stores = new Map()
  const leecher = await rig.pagePeer({
    beforeLoad: async ({ page }) => {
      await page.exposeBinding('__recordStored', (_, piece) => stores.set(piece, (stores.get(piece) || 0) + 1))
      await page.addInitScript(() => {
        import('/pump.js').then(m => m.pumps.addEventListener('pump', ({ detail: pump }) =>
          pump.addEventListener('stored', e => window.__recordStored(e.detail.piece))))
      })
    }
  })

  const seeded = await seedGenerated(seeder, { size: 32 * MiB, name: 'resume.bin' })
  // A slow download, so "about half" is a moment the test can catch.
  await leecher.run(pump => pump.setRateLimits(4 * 1000 * 1000, 0))
  const id = await leecher.run((pump, magnet) => pump.addMagnet(magnet), seeded.magnet)
  await leecher.page.waitForFunction(id => {
    const s = window.__pump.stats(id)
    const info = window.__pump.info(id)
    return info.hasMetadata && s.verifiedPieces >= info.pieceCount / 2
  }, id, { polling: 100, timeout: 120000 })
  const before = stores.size
  const pieceCount = await leecher.run((pump, id) => pump.info(id).pieceCount, id)

  await leecher.page.reload()
  await leecher.page.waitForSelector('body[data-ready="true"]')
  await exposePump(leecher.page)
  const restored = await leecher.run(pump => pump.list().map(t => ({ id: t.id, info: t.info, stats: t.stats, map: Array.from(pump.pieceMap(t.id)) })))
  assert.equal(restored.length, 1, 'the torrent is back after the reload')
  const [t] = restored
  assert.equal(t.info.infoHash, seeded.infoHash)
  assert.equal(t.info.hasMetadata, true, 'with its metadata')
  assert.ok(t.stats.verifiedPieces >= before - 2, `with its verified pieces (${t.stats.verifiedPieces}; ${before} stored before)`)
  console.log(`reloaded with ${before} of ${pieceCount} pieces stored; ${t.stats.verifiedPieces} verified after the reload`)

  await waitComplete(leecher.page, t.id)
  assert.equal(await fileSha256(leecher, t.id, 0), seeded.sha256)
  // A piece whose write finished as the page unloaded is on disk and in the resume record,
  // though its 'stored' event never reached us: it must be among the pieces restored.
  const fromDisk = p => (t.map[p >> 3] & (0x80 >> (p & 7))) !== 0
  const never = []
  for (let p = 0; p < pieceCount; p++) if (!stores.has(p) && !fromDisk(p)) never.push(p)
  assert.deepEqual(never, [], 'every piece was stored, or restored from disk')
  const twice = [...stores].filter(([, n]) => n > 1).map(([p]) => p)
  assert.deepEqual(twice, [], 'no piece was stored twice')
  assert.deepEqual(leecher.errors, [])
})

test('a seeding page reloaded keeps seeding its files from disk', { timeout: 300000 }, async () => {
  const seeder = await rig.pagePeer()
  await seeder.run(pump => {
    window.__onDisk = false
    pump.addEventListener('seeding', () => { window.__onDisk = true })
  })
  const seeded = await seedGenerated(seeder, { size: 12 * MiB, name: 'kept.bin' })
  // The files are copied to disk in the background; the reload comes after that.
  await seeder.page.waitForFunction(() => window.__onDisk, null, { polling: 100 })
  await seeder.page.reload()
  await seeder.page.waitForSelector('body[data-ready="true"]')
  await exposePump(seeder.page)
  const back = await seeder.run(pump => pump.list().map(t => ({ id: t.id, hash: t.info.infoHash, complete: t.stats.complete })))
  assert.deepEqual(back.map(t => [t.hash, t.complete]), [[seeded.infoHash, true]])

  const leecher = await rig.pagePeer()
  const id = await leecher.run((pump, magnet) => pump.addMagnet(magnet), seeded.magnet)
  await waitComplete(leecher.page, id)
  assert.equal(await fileSha256(leecher, id, 0), seeded.sha256)
  assert.deepEqual(seeder.errors, [])
})

test('a magnet still waiting for metadata comes back paused after a reload; a removed one does not', { timeout: 60000 }, async () => {
  const p = await rig.pagePeer()
  const reload = async () => {
    await p.page.reload()
    await p.page.waitForSelector('body[data-ready="true"]')
    await exposePump(p.page)
  }
  const hash = 'ab'.repeat(20)
  await p.run((pump, hash) => {
    const id = pump.addMagnet(`magnet:?xt=urn:btih:${hash}&dn=Pending`)
    pump.pause(id)
  }, hash)
  // The list is saved in IndexedDB as the torrent is added and paused; give it a moment.
  const saved = () => p.run(async (_, hash) => (await (await import('/storage/idb.js')).torrentList('main').get(hash))?.paused === true, hash)
  while (!await saved()) await new Promise(resolve => setTimeout(resolve, 50))
  await reload()
  const back = await p.run(pump => pump.list().map(t => ({ hash: t.info.infoHash, name: t.info.name, meta: t.info.hasMetadata, paused: t.info.paused })))
  assert.deepEqual(back, [{ hash, name: 'Pending', meta: false, paused: true }])
  await p.run(pump => pump.remove(pump.list()[0].id, { deleteData: true }))
  await reload()
  assert.equal(await p.run(pump => pump.list().length), 0)
  assert.deepEqual(p.errors, [])
})

test('a second tab of the same browser leaves the saved torrents to the first and still downloads', { timeout: 120000 }, async () => {
  const first = await rig.pagePeer()
  const seeded = await seedGenerated(first, { size: 4 * MiB, name: 'tabs.bin' })
  const tab = await first.context.newPage()
  const errors = []
  tab.on('pageerror', err => errors.push(err))
  await tab.goto(rig.server.url)
  await tab.waitForSelector('body[data-ready="true"]')
  await exposePump(tab)
  assert.equal(await runInPage(tab, pump => pump.list().length), 0, 'the second tab does not restore the first tab\'s torrents')
  // The same torrent: its piece file is open in the first tab, so this tab keeps it in memory.
  const id = await runInPage(tab, (pump, magnet) => pump.addMagnet(magnet), seeded.magnet)
  await waitComplete(tab, id)
  assert.equal(await fileSha256({ run: (fn, arg) => runInPage(tab, fn, arg) }, id, 0), seeded.sha256)
  assert.equal(await tab.isVisible('#error'), false, 'no error shown')
  assert.deepEqual(errors, [])
})
