// Data already on disk is not downloaded twice: a torrent removed without its data and added
// again by magnet is checked (its pieces hashed in the storage worker) and completes from disk,
// fetching only what is missing or damaged. And the kiosk and the main page, which keep
// separate torrent lists but share piece files by info hash, do not delete each other's data.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exposePump, waitComplete, fileSha256, seedGenerated } from './harness.mjs'
import { useRig } from './rig.mjs'

const MiB = 1 << 20
let seeded
let leecher
// One seeder and one leecher page for the file's tests, which build on each other.
useRig({
  setup: async rig => {
    const seeder = await rig.pagePeer()
    seeded = await seedGenerated(seeder, { size: 6 * MiB, name: 'again.bin' })
    leecher = await rig.pagePeer()
  }
})

/**
 * Adds the magnet in the leecher and waits for it to complete; returns what happened: the id,
 * the core's downloaded bytes, pieces written to storage, whether the core held its requests
 * until the check, and what the check found.
 */
async function addAndComplete (magnet) {
  const id = await leecher.run(async (pump, magnet) => {
    const seen = { stored: [], checkingAtMetadata: null, shownChecking: false, checked: null }
    window.__seen = seen
    let id
    pump.addEventListener('stored', e => seen.stored.push(e.detail.piece))
    pump.addEventListener('checked', e => { if (e.detail.id === id) seen.checked = e.detail.pieces })
    // The core holds every request from the add until the check is done.
    pump.addEventListener('metadata', e => { if (e.detail.id === id) seen.checkingAtMetadata = pump.info(id).checking })
    // The torrent list's state pill, if it redraws while the check runs (a short check may
    // finish between redraws).
    const watch = new MutationObserver(() => {
      if (document.querySelector('.torrent[data-state="checking"]')) seen.shownChecking = true
    })
    watch.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] })
    id = pump.addMagnet(magnet)
    return id
  }, magnet)
  await waitComplete(leecher.page, id)
  const seen = await leecher.run((pump, id) => ({ ...window.__seen, downloaded: pump.stats(id).downloaded, pieceLength: pump.info(id).pieceLength, checkingNow: pump.info(id).checking }), id)
  assert.equal(seen.checkingAtMetadata, true, 'nothing is asked for until storage is checked')
  assert.equal(seen.checkingNow, false)
  console.log(`checked ${seen.checked} pieces on disk, downloaded ${seen.downloaded} bytes; the list showed "checking": ${seen.shownChecking}`)
  return { id, ...seen }
}

/** Bytes of the piece file of `infoHash` in this origin's OPFS, or null if there is none. */
function onDisk (infoHash) {
  return leecher.run(async (_, name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('pieces')
    try {
      return (await (await dir.getFileHandle(name)).getFile()).size
    } catch {
      return null
    }
  }, infoHash)
}

test('a torrent removed keeping its data and added again completes from disk', { timeout: 300000 }, async () => {
  const first = await addAndComplete(seeded.magnet)
  assert.equal(await fileSha256(leecher, first.id, 0), seeded.sha256)
  assert.ok(first.downloaded >= 6 * MiB, `the first download fetched the file (${first.downloaded} bytes)`)
  assert.equal(first.checked, 0, 'a fresh file has nothing to check')
  await leecher.run((pump, id) => pump.remove(id), first.id)
  assert.equal(await onDisk(seeded.infoHash), 6 * MiB, 'the data stays on disk')

  const again = await addAndComplete(seeded.magnet)
  const pieces = 6 * MiB / again.pieceLength
  assert.equal(again.checked, pieces, 'every piece on disk checks out')
  assert.equal(again.downloaded, 0, 'no piece is downloaded a second time')
  assert.deepEqual(again.stored, [], 'no piece is written again')
  assert.equal(await fileSha256(leecher, again.id, 0), seeded.sha256)
  assert.deepEqual(leecher.errors, [])
})

test('a damaged piece on disk is the only one fetched again', { timeout: 300000 }, async () => {
  const id = await leecher.run(pump => pump.list()[0].id)
  const pieceLength = await leecher.run((pump, id) => pump.info(id).pieceLength, id)
  await leecher.run((pump, id) => pump.remove(id), id)
  // Damage one byte in the middle of piece 5, as a bad disk or another program would.
  const bad = 5
  await leecher.run(async (_, { name, at }) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('pieces')
    const file = await dir.getFileHandle(name)
    const byte = new Uint8Array(await (await file.getFile()).slice(at, at + 1).arrayBuffer())
    const w = await file.createWritable({ keepExistingData: true })
    await w.write({ type: 'write', position: at, data: new Uint8Array([byte[0] ^ 0xff]) })
    await w.close()
  }, { name: seeded.infoHash, at: bad * pieceLength + 1234 })

  const again = await addAndComplete(seeded.magnet)
  const pieces = 6 * MiB / pieceLength
  assert.equal(again.checked, pieces - 1, 'all but the damaged piece check out')
  assert.deepEqual(again.stored, [bad], 'only the damaged piece is fetched and written')
  assert.equal(again.downloaded, pieceLength, 'exactly one piece is downloaded')
  assert.equal(await fileSha256(leecher, again.id, 0), seeded.sha256)
  await leecher.run((pump, id) => pump.remove(id), again.id)
  assert.deepEqual(leecher.errors, [])
})

test('removing with its data in one page role keeps the copy another role lists', { timeout: 300000 }, async () => {
  // The kiosk role adds the torrent over the main page's kept file (checked, not fetched)...
  const kiosk = await leecher.run(async (_, magnet) => {
    const { Pump } = await import('/pump.js')
    const k = await Pump.start({ role: 'kiosk', restore: false })
    const id = k.addMagnet(magnet)
    await new Promise(resolve => k.addEventListener('complete', resolve, { once: true }))
    const { torrentList } = await import('/storage/idb.js')
    while (!await torrentList('kiosk').get(k.info(id).infoHash)) await new Promise(resolve => setTimeout(resolve, 50))
    k.close()
    return { downloaded: k.stats(id).downloaded }
  }, seeded.magnet)
  assert.equal(kiosk.downloaded, 0, 'the kiosk role found every piece on disk')

  // ...then a reload (the kiosk's pump lets go of the file), and the main page adds it too
  // and removes it with its data.
  await leecher.page.reload()
  await leecher.page.waitForSelector('body[data-ready="true"]')
  await exposePump(leecher.page)
  assert.equal(await leecher.run(pump => pump.list().length), 0, 'the main page lists nothing')
  const main = await addAndComplete(seeded.magnet)
  assert.equal(main.downloaded, 0)
  await leecher.run((pump, id) => pump.remove(id, { deleteData: true }), main.id)
  assert.equal(await onDisk(seeded.infoHash), 6 * MiB, 'the kiosk\'s copy is still on disk')

  // The kiosk role restores it from disk whole, and deleting it there deletes the file.
  const back = await leecher.run(async (_, hash) => {
    const { Pump } = await import('/pump.js')
    window.__kiosk = await Pump.start({ role: 'kiosk' })
    const t = window.__kiosk.list().find(t => t.info.infoHash === hash)
    return t && { id: t.id, complete: t.stats.complete }
  }, seeded.infoHash)
  assert.equal(back?.complete, true, 'the kiosk role restores the torrent complete')
  const kioskRun = (fn, arg) => leecher.page.evaluate(async ([src, a]) => (0, eval)(`(${src})`)(window.__kiosk, a), [fn.toString(), arg])
  assert.equal(await fileSha256({ run: kioskRun }, back.id, 0), seeded.sha256)
  await kioskRun((k, id) => k.remove(id, { deleteData: true }), back.id)
  assert.equal(await onDisk(seeded.infoHash), null, 'with no role listing it, the data is deleted')
  assert.deepEqual(leecher.errors, [])
})
