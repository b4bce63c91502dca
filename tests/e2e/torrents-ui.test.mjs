// The torrent list and the selected torrent's panels, driven as a user would, between two
// peerpage pages in separate Chromium instances over real WebRTC and the real tracker:
// progress and peers show, pause stops the transfer and resume finishes it, remove removes,
// and a torrent nobody shares says so in words.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { useRig } from './rig.mjs'
import { trackerAnswered, limitThroughUi } from './ui-steps.mjs'

const MiB = 1 << 20
let seeder, leecher
const rig = useRig({
  tmp: 'pp-ui-',
  setup: async rig => {
    seeder = await rig.pagePeer()
    leecher = await rig.pagePeer()
  }
})

const row = id => `#torrent-list li[data-id="${id}"]`

test('a torrent added by magnet shows progress and its peer in the list, and its panels fill',
  { timeout: 120000 }, async () => {
    // 3 MiB at the seeder's 400 kB/s cap: several seconds to look at, pause and resume.
    const file = join(rig.dir, 'random.bin')
    writeFileSync(file, randomBytes(3 * MiB))
    await limitThroughUi(seeder.page, { up: 400 })
    await seeder.page.setInputFiles('#create-files', file)
    await seeder.page.waitForSelector('#torrent-list li[data-state="seeding"]', { timeout: 60000 })
    await trackerAnswered(seeder.page)
    const magnet = await seeder.page.inputValue('#t-magnet')

    const { page } = leecher
    await page.fill('#magnet-input', magnet)
    await page.click('#magnet-form button')
    await page.waitForSelector('#torrent-list li[data-state="downloading"]', { timeout: 30000 })
    const id = Number(await page.getAttribute('#torrent-list li', 'data-id'))
    await page.waitForFunction(sel => {
      const li = document.querySelector(sel)
      const pct = parseFloat(li.querySelector('.t-progress').textContent)
      return pct > 0 && pct < 100 && /^1 peer/.test(li.querySelector('.t-peers').textContent)
    }, row(id), { timeout: 30000, polling: 100 })
    assert.match(await page.textContent(`${row(id)} .t-down`), /B\/s$/)
    assert.notEqual(await page.textContent(`${row(id)} .t-eta`), '—')
    const width = await page.$eval(`${row(id)} .bar-fill`, el => parseFloat(el.style.width))
    assert.ok(width > 0 && width < 100, `progress bar at ${width}%`)

    // The selected torrent's panels: a WebRTC peer, a connected tracker, a piece map.
    await page.waitForSelector('#peers tr[data-source="webrtc"]')
    await page.waitForSelector('#trackers tr[data-status="connected"]')
    assert.match(await page.textContent('#piece-count'), /^\d+ of \d+ verified$/)
    const painted = await page.$eval('#piece-map', c => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      return d.some((v, i) => i % 4 === 1 && v > 200) // the green of verified pieces
    })
    assert.ok(painted, 'the piece map shows verified pieces')
    assert.equal(await page.$$eval('#t-files tr', trs => trs.length), 1)
    // Joined by magnet, the .torrent exists once the metadata arrived: it can be saved.
    assert.equal(await page.isVisible('#t-download'), true)
    assert.equal(await page.getAttribute('#t-download', 'download'), 'random.bin.torrent')
  })

test('pause stops the transfer and resume finishes it', { timeout: 120000 }, async () => {
  const { page } = leecher
  const id = Number(await page.getAttribute('#torrent-list li', 'data-id'))
  await page.click(`${row(id)} .t-pause`)
  await page.waitForSelector(`${row(id)}[data-state="paused"]`)
  assert.equal(await page.textContent(`${row(id)} .t-pause`), 'Resume')
  assert.equal(await leecher.run((pump, id) => pump.info(id).paused, id), true)
  // Requests already in flight may land; after that nothing more arrives.
  await page.waitForTimeout(1500)
  const held = await leecher.run((pump, id) => pump.stats(id), id)
  await page.waitForTimeout(2500)
  const later = await leecher.run((pump, id) => pump.stats(id), id)
  assert.equal(held.complete, false)
  assert.equal(later.downloaded, held.downloaded, 'no bytes arrive while paused')

  await page.click(`${row(id)} .t-pause`)
  await page.waitForSelector(`${row(id)}[data-state="downloading"]`)
  await page.waitForSelector(`${row(id)}[data-state="seeding"]`, { timeout: 60000 })
  assert.equal(await page.textContent(`${row(id)} .t-progress`), '100.0 %')
})

test('remove asks once more, then takes the torrent away', async () => {
  const { page } = leecher
  const id = Number(await page.getAttribute('#torrent-list li', 'data-id'))
  await page.click(`${row(id)} .t-remove`)
  assert.match(await page.textContent(`${row(id)} .t-remove`), /delete data\?/)
  assert.equal(await leecher.run(pump => pump.list().length), 1)
  await page.click(`${row(id)} .t-remove`)
  await page.waitForSelector(row(id), { state: 'detached' })
  assert.equal(await leecher.run(pump => pump.list().length), 0)
  assert.equal(await page.isVisible('#torrent'), false)
  assert.deepEqual(leecher.errors, [])
})

test('a torrent that nobody shares says so, instead of sitting at 0 %', { timeout: 60000 }, async () => {
  const { page } = leecher
  const hash = randomBytes(20).toString('hex')
  await page.fill('#magnet-input', `magnet:?xt=urn:btih:${hash}&dn=lonely&tr=${encodeURIComponent(rig.server.trackerUrl)}`)
  await page.click('#magnet-form button')
  const warning = `#torrent-list li[data-info-hash="${hash}"] .t-warning`
  await page.waitForSelector(warning, { state: 'visible', timeout: 30000 })
  assert.match(await page.textContent(warning), /No WebRTC peers and no web seed/)
  assert.equal(await page.isVisible('#t-warning'), true)
})

test('a file set to skip in the files table is not downloaded', { timeout: 120000 }, async () => {
  const folder = join(rig.dir, 'pair')
  mkdirSync(folder)
  writeFileSync(join(folder, 'a.bin'), randomBytes(512 * 1024))
  writeFileSync(join(folder, 'b.bin'), randomBytes(4 * MiB))
  await seeder.page.setInputFiles('#create-folder', folder)
  await seeder.page.waitForSelector('#torrent-list li[data-state="seeding"] >> text=pair', { timeout: 60000 })
  await trackerAnswered(seeder.page)
  const magnet = await seeder.page.inputValue('#t-magnet')

  const { page } = leecher
  await page.fill('#magnet-input', magnet)
  await page.click('#magnet-form button')
  await page.waitForFunction(() => document.querySelectorAll('#t-files tr .f-priority').length === 2, null, { timeout: 30000 })
  const paths = await page.$$eval('#t-files tr td:first-child', tds => tds.map(td => td.textContent))
  assert.deepEqual(paths, ['a.bin', 'b.bin'])
  await page.selectOption('#t-files tr:nth-child(2) .f-priority', 'skip')
  await page.waitForFunction(() => document.querySelector('#t-files tr:nth-child(1) .f-progress').textContent === '100.0 %', null, { timeout: 60000 })
  const id = Number(await page.getAttribute('#torrent', 'data-id'))
  // Pieces of b.bin fetched before the skip stay; after it, nothing more arrives.
  const held = await leecher.run((pump, id) => pump.stats(id), id)
  await page.waitForTimeout(2500)
  const later = await leecher.run((pump, id) => pump.stats(id), id)
  const { length } = await leecher.run((pump, id) => pump.info(id), id)
  assert.equal(later.haveBytes, held.haveBytes, 'no more pieces arrive once b.bin is skipped')
  assert.ok(later.haveBytes < length - 3 * MiB, `holds ${later.haveBytes} of ${length} bytes`)
  assert.equal(later.downloaded, held.downloaded)
  assert.equal(await page.textContent('#t-files tr:nth-child(2) .f-progress'), 'skipped')
})
