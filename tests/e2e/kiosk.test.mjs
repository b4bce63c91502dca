// The demo kiosk end to end: the server makes a torrent of a folder, a kiosk page (its own
// Chromium) fetches it from the web seed and seeds it; the join link is read from a screenshot
// of the kiosk with jsQR; three visitors (three more Chromium instances) join from that link.
// On the way the kiosk tab reloads (it must come back from storage without fetching the folder
// again), the tracker restarts (everyone must reconnect and re-announce: the third visitor
// arrives only after it), and the first visitor leaves once done. Every visitor must end with
// the folder's exact bytes, and visitors must have uploaded to each other.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { startServer, openPage, decodeQrPng, waitFor, exposePump, runInPage, seedGenerated } from './harness.mjs'
import { useRig } from './rig.mjs'

const CHUNK = 1 << 20
// The kiosk's upload cap (kB/s), as a screen on a thin uplink: the visitors then need each
// other. No timing is asserted.
const KIOSK_UP = 400

const files = { 'poster.bin': randomBytes(2_500_000), 'clips/one.bin': randomBytes(1_800_123), 'clips/two.txt': randomBytes(700_001) }
// The kiosk's folder is `Kiosk demo` in the rig's directory.
const rig = useRig({
  tmp: 'peerpage-kiosk-e2e-',
  server: async ({ dir: root }) => {
    const dir = join(root, 'Kiosk demo')
    for (const [path, data] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), data)
    }
    return startServer({ kiosk: dir, kioskCache: join(root, 'cache') })
  }
})

/** SHA-256 of each 1 MiB chunk of each file, in torrent file order (path sorted). */
function expectedDigests () {
  return Object.keys(files).sort().map(path => {
    const data = files[path]
    const out = []
    for (let at = 0; at < data.length; at += CHUNK) out.push(createHash('sha256').update(data.subarray(at, at + CHUNK)).digest('hex'))
    return { path, digests: out }
  })
}

/** The same digests, read back from a visitor's pump (its storage), file by file. */
function visitorDigests (page, infoHash) {
  return page.evaluate(async ({ infoHash, CHUNK }) => {
    const pump = window.peerpage.pump
    const { id, info } = pump.list().find(t => t.info.infoHash === infoHash)
    const hex = buf => [...new Uint8Array(buf)].map(b => b.toString(16).padStart(2, '0')).join('')
    const out = []
    for (const f of info.files) {
      const digests = []
      for (let at = 0; at < f.length; at += CHUNK) {
        const bytes = await pump.readRange(id, f.index, at, Math.min(at + CHUNK, f.length))
        digests.push(hex(await crypto.subtle.digest('SHA-256', bytes)))
      }
      out.push({ path: f.path, digests })
    }
    return out
  }, { infoHash, CHUNK })
}

/** A visitor's view of the kiosk torrent: {progress, complete, uploaded, downloaded, peers}. */
function visitorStats (page, infoHash) {
  return page.evaluate(infoHash => {
    const pump = window.peerpage?.pump
    const t = pump?.list().find(t => t.info.infoHash === infoHash)
    if (!t) return null
    const s = pump.stats(t.id)
    return { progress: t.info.length ? s.haveBytes / t.info.length : 0, complete: s.complete, uploaded: s.uploaded, downloaded: s.downloaded, peers: s.peers }
  }, infoHash)
}

/** Everyone's view of the swarm, for a failure message. */
async function swarmState (infoHash) {
  const lines = []
  for (const [i, p] of rig.peers.entries()) {
    lines.push(`peer ${i}: ` + await p.page.evaluate(infoHash => {
      const pump = window.kiosk?.pump || window.peerpage?.pump
      const t = pump?.list().find(t => t.info.infoHash === infoHash)
      if (!t) return `no torrent (page ${location.pathname}${location.hash.slice(0, 30)}, ready=${document.body.dataset.ready})`
      return JSON.stringify({ stats: pump.stats(t.id), peers: pump.peers(t.id).map(p => [p.source, p.progress]), trackers: pump.trackers(t.id) })
    }, infoHash).catch(err => `unreadable: ${err.message}`))
  }
  const swarm = rig.server.tracker.torrents[infoHash]
  lines.push(`tracker: ${swarm ? `${swarm.complete} complete, ${swarm.incomplete} incomplete` : 'no swarm'}`)
  return lines.join('\n')
}

/** waitFor, with everyone's state in the error when it times out. */
async function waitSwarm (check, options, infoHash) {
  try {
    return await waitFor(check, options)
  } catch (err) {
    err.message += '\n' + await swarmState(infoHash)
    throw err
  }
}

async function joinVisitor (joinUrl) {
  const visitor = await rig.launch()
  await openPage(visitor.page, joinUrl)
  return visitor
}

const trackerSwarmSize = infoHash => {
  const swarm = rig.server.tracker.torrents[infoHash]
  return swarm ? swarm.complete + swarm.incomplete : 0
}

test('a kiosk and three visitors: join by the QR code, survive a kiosk reload and a tracker restart', { timeout: 300000 }, async () => {
  const { infoHash, length, joinUrl } = rig.server.kiosk
  const kiosk = await rig.launch()
  await kiosk.page.setViewportSize({ width: 1280, height: 720 })
  const kioskUrl = `${rig.server.url}kiosk.html?up=${KIOSK_UP}`
  await kiosk.page.goto(kioskUrl)
  await kiosk.page.waitForSelector('body[data-ready="true"]', { timeout: 30000 })

  // The kiosk fetches the folder from the server's web seed once.
  await kiosk.page.waitForSelector('body[data-complete="true"]', { timeout: 120000 })
  const webSeedBytes = rig.server.kioskCounters.webSeedBytes
  assert.ok(webSeedBytes >= length, `the kiosk fetched ${webSeedBytes} of ${length} bytes from the web seed`)

  // A phone would read the code off the screen: so does jsQR, from a screenshot.
  const shot = await kiosk.page.screenshot({ path: join(tmpdir(), 'peerpage-kiosk.png') })
  const scanned = decodeQrPng(shot)
  assert.equal(scanned, joinUrl)

  const v1 = await joinVisitor(scanned)
  const v2 = await joinVisitor(scanned)
  await waitSwarm(async () => {
    const s = await Promise.all([v1, v2].map(v => visitorStats(v.page, infoHash)))
    return s.every(x => x && x.progress > 0)
  }, { timeout: 90000, what: 'the first two visitors to get pieces' }, infoHash)
  await waitSwarm(() => kiosk.page.evaluate(() => Number(document.body.dataset.peers) >= 2),
    { timeout: 30000, what: 'the kiosk to show two visitors' }, infoHash)

  // The kiosk tab reloads mid-swarm: it restores the torrent and its pieces from storage.
  await kiosk.page.reload()
  await kiosk.page.waitForSelector('body[data-ready="true"]', { timeout: 30000 })
  await kiosk.page.waitForSelector('body[data-complete="true"]', { timeout: 30000 })

  // The tracker restarts, down for a moment: every peer must reconnect and announce again.
  await rig.server.restartTracker({ downMs: 1500 })
  await waitSwarm(() => trackerSwarmSize(infoHash) >= 3, { timeout: 90000, what: 'the kiosk and both visitors to re-announce' }, infoHash)
  const v3 = await joinVisitor(scanned)
  await waitSwarm(async () => (await visitorStats(v3.page, infoHash))?.progress > 0, { timeout: 90000, what: 'visitor 3 to get pieces' }, infoHash)
  await kiosk.page.screenshot({ path: join(tmpdir(), 'peerpage-kiosk-swarm.png') })

  const want = expectedDigests()
  let uploadedByVisitors = 0
  // The first visitor leaves as soon as it is done; the others carry on.
  await waitSwarm(async () => (await visitorStats(v1.page, infoHash))?.complete, { timeout: 180000, what: 'visitor 1 to finish' }, infoHash)
  assert.deepEqual(await visitorDigests(v1.page, infoHash), want, 'visitor 1 has the folder\'s bytes')
  uploadedByVisitors += (await visitorStats(v1.page, infoHash)).uploaded
  await v1.close()

  for (const [n, v] of [[2, v2], [3, v3]]) {
    await waitSwarm(async () => (await visitorStats(v.page, infoHash))?.complete, { timeout: 180000, what: `visitor ${n} to finish` }, infoHash)
    assert.deepEqual(await visitorDigests(v.page, infoHash), want, `visitor ${n} has the folder's bytes`)
    uploadedByVisitors += (await visitorStats(v.page, infoHash)).uploaded
  }
  assert.ok(uploadedByVisitors > 0, 'visitors uploaded pieces to each other')
  // Neither the reload nor any visitor fetched from the web seed again.
  assert.equal(rig.server.kioskCounters.webSeedBytes, webSeedBytes)

  // The kiosk counted what it served; its screen shows it.
  const served = await kiosk.page.textContent('#k-served')
  assert.notEqual(served, '0 B')
  await kiosk.page.screenshot({ path: join(tmpdir(), 'peerpage-kiosk-end.png') })
  for (const p of rig.peers) assert.deepEqual(p.errors, [])
})

// BIP-84's published test vector: the first receive address of this phrase (m/84'/0'/0'/0/0).
const BIP84_PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const BIP84_FIRST = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'

test('the kiosk shows a tip address from the browser\'s wallet vault, keeping only the address', { timeout: 120000 }, async () => {
  const kiosk = await rig.launch()
  const { page } = kiosk
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(`${rig.server.url}kiosk.html`)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 })
  assert.equal(await page.isVisible('#k-wallet-button'), false, 'no wallet in this browser: no tip button')
  // A vault as the Wallet tab saves it, for the BIP-84 phrase.
  await page.evaluate(async phrase => {
    const { default: init, Wallet } = await import('/pkg/wallet.js')
    await init()
    const { saveVault } = await import('/ui/wallet-store.js')
    const random = n => crypto.getRandomValues(new Uint8Array(n))
    const wallet = Wallet.fromMnemonic(phrase, '', 'mainnet')
    const blob = wallet.seal('kiosk pass', random(16), random(24))
    wallet.free()
    await saveVault({ blob, network: 'mainnet', savedAt: Date.now() })
  }, BIP84_PHRASE)
  await page.reload()
  await page.waitForSelector('#k-wallet-button:not([hidden])', { timeout: 30000 })
  await page.click('#k-wallet-button')
  await page.fill('#k-wallet-pass', 'wrong')
  await page.click('#k-wallet-show')
  await page.waitForSelector('#k-wallet-error:not([hidden])')
  assert.equal(await page.isVisible('#k-wallet'), false)
  await page.fill('#k-wallet-pass', 'kiosk pass')
  await page.click('#k-wallet-show')
  await page.waitForSelector('#k-wallet:not([hidden])')
  assert.equal(await page.textContent('#k-wallet-address'), BIP84_FIRST)
  await page.screenshot({ path: join(tmpdir(), 'peerpage-kiosk-tip.png') })
  const read = decodeQrPng(await page.locator('#k-wallet-qr').screenshot())
  assert.ok(read, 'jsQR reads the tip QR code')
  assert.equal(read.toLowerCase().split('?')[0], `bitcoin:${BIP84_FIRST}`)
  // Only the public address is kept: after a reload it is shown without unlocking again.
  const kept = await page.evaluate(() => localStorage.getItem('peerpage-kiosk-tip'))
  assert.ok(!/abandon|prv/.test(kept), 'no secret in what the kiosk keeps')
  await page.reload()
  await page.waitForSelector('#k-wallet:not([hidden])', { timeout: 30000 })
  assert.equal(await page.textContent('#k-wallet-address'), BIP84_FIRST)
  assert.deepEqual(kiosk.errors, [])
})

test('an open kiosk follows the server to a new torrent when it restarts over a changed folder', { timeout: 180000 }, async () => {
  const folder = join(rig.dir, 'Changing')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'first.bin'), randomBytes(200_000))
  const cache = join(rig.dir, 'cache-changing')
  let first = await startServer({ kiosk: folder, kioskCache: cache })
  const port = new URL(first.url).port
  const kiosk = await rig.launch(first.url.replace(/\/$/, ''))
  try {
    await kiosk.page.goto(`${first.url}kiosk.html`)
    await kiosk.page.waitForSelector('body[data-complete="true"]', { timeout: 60000 })
    const firstHash = first.kiosk.infoHash
    assert.equal(await kiosk.page.evaluate(() => window.kiosk.record.infoHash), firstHash)
    await first.close()
    first = null
    writeFileSync(join(folder, 'second.bin'), randomBytes(100_000))
    const second = await startServer({ kiosk: folder, kioskCache: cache, port: Number(port) })
    try {
      assert.notEqual(second.kiosk.infoHash, firstHash)
      await kiosk.page.waitForFunction(h => window.kiosk?.record.infoHash === h && document.body.dataset.complete === 'true',
        second.kiosk.infoHash, { timeout: 60000, polling: 500 })
      assert.equal(decodeQrPng(await kiosk.page.screenshot()), second.kiosk.joinUrl)
      // The old folder's torrent is dropped, not seeded beside the new one.
      assert.deepEqual(await kiosk.page.evaluate(() => window.kiosk.pump.list().map(t => t.info.infoHash)), [second.kiosk.infoHash])
    } finally {
      await second.close()
    }
  } finally {
    await first?.close()
  }
})

test('the kiosk and the main page in one browser each restore only their own torrents', { timeout: 180000 }, async () => {
  const browser = await rig.launch()
  const torrents = page => page.evaluate(() => (window.kiosk?.pump || window.peerpage.pump).list().map(t => t.info.infoHash))
  const saved = (page, role) => page.evaluate(async role => (await (await import('/storage/idb.js')).torrentList(role).list()).map(r => r.infoHash), role)
  const open = async (path, ready = 'body[data-ready="true"]') => {
    const page = await browser.context.newPage()
    page.on('pageerror', err => browser.errors.push(err))
    await page.goto(`${rig.server.url}${path}`)
    await page.waitForSelector(ready, { timeout: 30000 })
    return page
  }
  // The main page seeds a file; it is in the main list once copied to storage.
  let main = browser.page
  await openPage(main, rig.server.url)
  await exposePump(main)
  const mine = await seedGenerated({ run: (fn, arg) => runInPage(main, fn, arg) }, { size: 300_000, name: 'main-page.bin' })
  await waitFor(async () => (await saved(main, 'main')).length, { what: 'the main list to be saved' })
  await main.close()

  // The kiosk, alone in the browser, restores nothing of the main page's.
  const kiosk = await open('kiosk.html')
  assert.deepEqual(await torrents(kiosk), [rig.server.kiosk.infoHash], 'the kiosk seeds only its own torrent')
  await waitFor(async () => (await saved(kiosk, 'kiosk')).length, { what: 'the kiosk list to be saved' })
  assert.deepEqual(await saved(kiosk, 'kiosk'), [rig.server.kiosk.infoHash])
  assert.deepEqual(await saved(kiosk, 'main'), [mine.infoHash])

  // The main page opened beside the running kiosk restores its own: the roles share no lock.
  main = await open('')
  await exposePump(main)
  assert.deepEqual(await torrents(main), [mine.infoHash])

  // Both reload at once, and each comes back with its own.
  await Promise.all([main.reload(), kiosk.reload()])
  await main.waitForSelector('body[data-ready="true"]', { timeout: 30000 })
  await kiosk.waitForSelector('body[data-ready="true"]', { timeout: 30000 })
  await exposePump(main)
  assert.deepEqual(await torrents(main), [mine.infoHash])
  assert.deepEqual(await torrents(kiosk), [rig.server.kiosk.infoHash])
  assert.deepEqual(browser.errors, [])
})
