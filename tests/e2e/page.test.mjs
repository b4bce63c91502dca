// The first page in a real browser: wasm loads, fixture torrents show the info hash npm
// parse-torrent reports, a torrent created in the page matches npm create-torrent, and bad
// input is explained in words.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import createTorrent from 'create-torrent'
import parseTorrent from 'parse-torrent'
import jsQR from 'jsqr'
import { useRig } from './rig.mjs'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
const expected = JSON.parse(readFileSync(join(fixtures, 'parse-torrent.json'), 'utf8'))

let peer
const rig = useRig({ setup: async rig => { peer = await rig.openPeer() } })

test('the wasm core loads and reports ready', async () => {
  assert.equal(await peer.page.textContent('#core-status'), 'core ready')
  assert.match(await peer.page.textContent('#core-version'), /^\d+\.\d+\.\d+$/)
  assert.deepEqual(peer.errors, [])
})

for (const fixture of ['alice.torrent', 'folder.torrent', 'sintel.torrent', 'bunny.torrent']) {
  test(`opening ${fixture} shows parse-torrent's info hash, files and magnet`, async () => {
    const { page } = peer
    await page.setInputFiles('#torrent-file', join(fixtures, 'torrents', fixture))
    const want = expected[fixture]
    await page.waitForFunction(h => document.getElementById('t-hash').textContent === h, want.infoHash)
    assert.equal(await page.textContent('#t-name'), want.name)
    const rows = await page.$$eval('#t-files tr', trs => trs.length)
    assert.equal(rows, want.files.length)
    const magnet = await page.inputValue('#t-magnet')
    assert.equal((await parseTorrent(magnet)).infoHash, want.infoHash)
    assert.equal(await page.isVisible('#error'), false)
  })
}

test('a corrupt torrent is explained, not a blank page', async () => {
  const { page } = peer
  await page.setInputFiles('#torrent-file', join(fixtures, 'torrents', 'corrupt.torrent'))
  await page.waitForSelector('#error:not([hidden])')
  const text = await page.textContent('#error')
  assert.match(text, /corrupt\.torrent/)
  assert.match(text, /info\.name/)
  assert.match(text, /metainfo\.missing-field/)
})

test('a bad magnet link is explained', async () => {
  const { page } = peer
  await page.fill('#magnet-input', 'magnet:?xt=urn:btih:1234')
  await page.click('#magnet-form button')
  await page.waitForSelector('#error:not([hidden])')
  assert.match(await page.textContent('#error'), /40 hex/)
})

test('a pasted magnet shows its info hash and a QR code', async () => {
  const { page } = peer
  const hash = expected['leaves.torrent'].infoHash
  await page.fill('#magnet-input', `magnet:?xt=urn:btih:${hash}&dn=Leaves&tr=wss%3A%2F%2Ftracker.example`)
  await page.click('#magnet-form button')
  await page.waitForFunction(h => document.getElementById('t-hash').textContent === h, hash)
  assert.equal(await page.textContent('#t-trackers'), 'wss://tracker.example')
  await assertQrReads(page, await page.inputValue('#t-magnet'))
})

test('the QR code of a long magnet (a torrent with a web seed) reads back as that magnet', async () => {
  const { page } = peer
  await page.setInputFiles('#torrent-file', join(fixtures, 'torrents', 'bunny.torrent'))
  await page.waitForFunction(h => document.getElementById('t-hash').textContent === h,
    expected['bunny.torrent'].infoHash)
  const magnet = await page.inputValue('#t-magnet')
  assert.match(magnet, /&ws=http/)
  await assertQrReads(page, magnet)
})

test('a link to the page with #magnet= joins that magnet in the Torrents tab', async () => {
  const { page } = peer
  // A torrent this page has not seen, so it shows the magnet's own name until metadata.
  const hash = randomBytes(20).toString('hex')
  const magnet = `magnet:?xt=urn:btih:${hash}&dn=Alice`
  await page.goto(`${rig.server.url}#magnet=${encodeURIComponent(magnet)}`)
  await page.waitForFunction(h => document.getElementById('t-hash').textContent === h, hash)
  assert.equal(await page.textContent('#t-name'), 'Alice')
  await page.waitForSelector(`#torrent-list li[data-info-hash="${hash}"][data-state="metadata"]`)
  assert.equal(await page.getAttribute('#tab-torrents', 'aria-selected'), 'true')
  assert.equal(await page.isVisible('#view-torrents'), true)
})

/** Reads the page's QR canvas with jsQR, an independent decoder, and compares the text. */
async function assertQrReads (page, magnet) {
  const { width, height, pixels } = await page.$eval('#t-qr', c => {
    const image = c.getContext('2d').getImageData(0, 0, c.width, c.height)
    return { width: image.width, height: image.height, pixels: Array.from(image.data) }
  })
  const read = jsQR(Uint8ClampedArray.from(pixels), width, height)
  assert.ok(read, 'jsQR finds a QR code on the canvas')
  assert.equal(read.data, magnet)
}

test('a torrent created in the page has the info hash create-torrent gives the same file', async () => {
  const { page } = peer
  const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-'))
  try {
    // 1.5 MiB of patterned bytes: several pieces, last one short.
    const data = Buffer.alloc(1536 * 1024 + 123)
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff
    const file = join(dir, 'sample.bin')
    writeFileSync(file, data)
    const reference = await new Promise((resolve, reject) =>
      createTorrent(file, { announceList: [] }, (err, t) => err ? reject(err) : resolve(t)))
    const want = (await parseTorrent(reference)).infoHash

    await page.setInputFiles('#create-files', file)
    await page.waitForFunction(() => /^Created/.test(document.getElementById('progress-title').textContent))
    assert.equal(await page.textContent('#t-hash'), want)
    const magnet = await page.inputValue('#t-magnet')
    assert.ok(magnet.startsWith(`magnet:?xt=urn:btih:${want}&dn=sample.bin&tr=ws%3A%2F%2F127.0.0.1%3A`), magnet)
    assert.match(await page.textContent('#progress-text'), /MB\/s/)
    assert.equal(await page.isVisible('#t-download'), true)
    await page.screenshot({ path: join(tmpdir(), 'peerpage-created.png'), fullPage: true })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a torrent created in the page from a folder matches create-torrent of that folder', async () => {
  const { page } = peer
  const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-'))
  try {
    // Files of uneven sizes so pieces straddle file boundaries; one in a subfolder; a .torrent
    // among them is just one of the folder's files (not a torrent to seed them under).
    const folder = join(dir, 'album')
    mkdirSync(join(folder, 'extras'), { recursive: true })
    const sizes = { 'a.bin': 300001, 'b.bin': 17, 'extras/c.bin': 700000, 'old.torrent': 99 }
    for (const [name, size] of Object.entries(sizes)) {
      const data = Buffer.alloc(size)
      for (let i = 0; i < size; i++) data[i] = (i * 7 + name.length) & 0xff
      writeFileSync(join(folder, name), data)
    }
    const reference = await new Promise((resolve, reject) =>
      createTorrent(folder, { announceList: [] }, (err, t) => err ? reject(err) : resolve(t)))
    const want = await parseTorrent(reference)

    await page.setInputFiles('#create-folder', folder)
    await page.waitForFunction(() => /^Created album/.test(document.getElementById('progress-title').textContent))
    assert.equal(await page.textContent('#t-hash'), want.infoHash)
    assert.equal(await page.textContent('#t-name'), 'album')
    const paths = await page.$$eval('#t-files tr td:first-child', tds => tds.map(td => td.textContent))
    assert.deepEqual(paths, want.files.map(f => f.path.split(/[\\/]/).slice(1).join('/')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
