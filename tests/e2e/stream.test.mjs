// Streaming and saving through the page's service worker, between two peerpage pages in
// separate Chromium instances over real WebRTC and the real tracker. The leecher caps its
// download with the page's rate-limit control, so its <video> must play, and seek near the
// end, while the file is still arriving.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { useRig } from './rig.mjs'
import { makeVideo } from './video.mjs'
import { trackerAnswered, limitThroughUi } from './ui-steps.mjs'

/**
 * The leecher's download cap in kB/s: the minute of video (~60 kbit/s, ~450 kB) takes ~12 s
 * to arrive. Chromium starts playing once it holds ~5 s of video (FFmpeg's stream probing),
 * so the video is long enough for that to be a small part of it. (A cap on the seeder's
 * upload instead would queue the leecher's whole request pipeline there, ahead of a seek.)
 */
const DOWN_LIMIT_KBPS = 40

const rig = useRig({ tmp: 'pp-stream-' })
const peer = () => rig.pagePeer()
let video

const sha256 = bytes => createHash('sha256').update(bytes).digest('hex')

test('a <video> plays a file streamed from a peer before it has arrived, and seeks near the end',
  { timeout: 180000 }, async () => {
    const seeder = await peer()
    const leecher = await peer()
    video = await makeVideo(seeder.page, { seconds: 60, bitrate: 60000 })
    const file = join(rig.dir, 'clock.webm')
    writeFileSync(file, video.bytes)
    await seeder.page.setInputFiles('#create-files', file)
    await seeder.page.waitForSelector('#torrent-list li[data-state="seeding"]', { timeout: 60000 })
    await trackerAnswered(seeder.page)
    const magnet = await seeder.page.inputValue('#t-magnet')

    // The leecher caps its download, then joins through a link to the page with the magnet.
    await limitThroughUi(leecher.page, { down: DOWN_LIMIT_KBPS })
    const joinedAt = Date.now()
    await leecher.page.goto(`${rig.server.url}#magnet=${encodeURIComponent(magnet)}`)
    await leecher.page.waitForSelector('#t-files .f-play', { timeout: 30000 })
    await leecher.page.click('#t-files .f-play')

    const id = Number(await leecher.page.getAttribute('#torrent', 'data-id'))
    const played = await leecher.page.waitForFunction(id => {
      const v = document.getElementById('player-media')
      if (v.paused && v.readyState >= 2) v.play().catch(() => {})
      if (!(v.currentTime > 1.5)) return false
      const s = window.peerpage.pump.stats(id)
      return { t: v.currentTime, complete: s.complete, downloaded: s.downloaded, pieces: s.verifiedPieces }
    }, id, { timeout: 60000, polling: 100 }).then(h => h.jsonValue())
    const info = await leecher.run((pump, id) => pump.info(id), id)
    assert.equal(played.complete, false, `the video played (${played.t} s) before the download completed`)
    assert.ok(played.pieces < info.pieceCount)
    // The cap holds: no more than the limit allows since joining, plus a burst.
    const elapsed = (Date.now() - joinedAt) / 1000
    const allowance = DOWN_LIMIT_KBPS * 1000 * elapsed + 64 * 1024 + 2 * info.pieceLength
    assert.ok(played.downloaded <= allowance, `downloaded ${played.downloaded} bytes in ${elapsed} s under a ${DOWN_LIMIT_KBPS} kB/s cap`)

    // Seek near the end, to a key frame whose bytes have not arrived: the latest one in the
    // last quarter (the core fetches the first and last pieces early, and a few pieces came
    // at random before the first read moved the stream window).
    const candidates = video.clusters
      .filter(c => c.timeMs >= 0.75 * video.durationMs)
      .map(c => ({ time: c.timeMs / 1000, piece: Math.floor(c.offset / info.pieceLength) }))
    const seek = await leecher.page.evaluate(async ({ id, candidates }) => {
      const v = document.getElementById('player-media')
      const map = window.peerpage.pump.pieceMap(id)
      const has = p => (map[p >> 3] >> (7 - (p & 7))) & 1
      const pick = candidates.filter(c => !has(c.piece)).pop()
      if (!pick) return { pick: null }
      const target = pick.time + 0.1
      v.currentTime = target
      await new Promise(resolve => v.addEventListener('seeked', resolve, { once: true }))
      await new Promise(resolve => {
        const check = () => (v.currentTime > target + 0.5 ? resolve() : setTimeout(check, 50))
        check()
      })
      return { pick, target, t: v.currentTime, complete: window.peerpage.pump.stats(id).complete }
    }, { id, candidates })
    assert.ok(seek.pick, 'a key frame in the last quarter had not arrived before the seek')
    assert.ok(seek.target > 0.75 * video.durationMs / 1000)
    assert.ok(seek.t > seek.target, `played on from ${seek.target} s to ${seek.t} s after the seek`)
    assert.equal(seek.complete, false, 'the seek was served before the download completed')

    await leecher.page.waitForSelector(`#torrent-list li[data-id="${id}"][data-state="seeding"]`, { timeout: 60000 })
    assert.deepEqual(leecher.errors, [])
  })

test('the worker answers Range requests with 206, Content-Range and the right bytes, and 416 past the end', async () => {
  const leecher = rig.peers[1]
  const { infoHash } = await leecher.run(pump => pump.list()[0].info)
  const answers = await leecher.page.evaluate(async infoHash => {
    const url = `/stream/${infoHash}/0/clock.webm`
    const out = []
    for (const range of ['bytes=100-199', 'bytes=-10', 'bytes=99999999-']) {
      const r = await fetch(url, { headers: { Range: range } })
      out.push({ status: r.status, type: r.headers.get('Content-Type'), range: r.headers.get('Content-Range'), body: Array.from(new Uint8Array(await r.arrayBuffer())) })
    }
    const whole = await fetch(url)
    out.push({ status: whole.status, length: Number(whole.headers.get('Content-Length')), body: [] })
    return out
  }, infoHash)
  const n = video.bytes.length
  assert.deepEqual(answers[0], { status: 206, type: 'video/webm', range: `bytes 100-199/${n}`, body: Array.from(video.bytes.subarray(100, 200)) })
  assert.deepEqual(answers[1], { status: 206, type: 'video/webm', range: `bytes ${n - 10}-${n - 1}/${n}`, body: Array.from(video.bytes.subarray(n - 10)) })
  assert.equal(answers[2].status, 416)
  assert.equal(answers[2].range, `bytes */${n}`)
  assert.equal(answers[3].status, 200)
  assert.equal(answers[3].length, n)
})

test('Save writes the file through File System Access, streamed from the pump', async () => {
  const { page } = rig.peers[1]
  // The picker is the browser's own dialog; a file in the origin's private file system is
  // the same FileSystemFileHandle kind the picker returns, and is written the same way.
  await page.evaluate(() => {
    window.showSaveFilePicker = async ({ suggestedName }) => {
      const root = await navigator.storage.getDirectory()
      window.savedAs = suggestedName
      return root.getFileHandle(`saved-${suggestedName}`, { create: true })
    }
  })
  await page.click('#t-files .f-save')
  // The file appears once the writable closes (it writes to a swap file until then).
  let digest = null
  for (let i = 0; i < 150 && !digest; i++) {
    digest = await page.evaluate(async length => {
      const root = await navigator.storage.getDirectory()
      const handle = await root.getFileHandle(`saved-${window.savedAs}`).catch(() => null)
      const file = handle && await handle.getFile()
      if (!file || file.size !== length) return null
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))
      return Array.from(hash, b => b.toString(16).padStart(2, '0')).join('')
    }, video.bytes.length)
    if (!digest) await page.waitForTimeout(200)
  }
  assert.equal(digest, sha256(video.bytes))
})

test('without File System Access, Save is a streamed download through the worker', async () => {
  const { page } = rig.peers[1]
  await page.evaluate(() => { window.showSaveFilePicker = undefined })
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('#t-files .f-save')])
  assert.equal(download.suggestedFilename(), 'clock.webm')
  const saved = join(rig.dir, 'downloaded.webm')
  await download.saveAs(saved)
  assert.equal(sha256(readFileSync(saved)), sha256(video.bytes))
})

test('a new seed\'s file is read at once, while its files are still being copied to storage', { timeout: 60000 }, async () => {
  const p = await peer()
  const got = await p.run(async pump => {
    const file = new File([new Uint8Array(48 << 20).fill(7)], 'fresh.bin')
    const id = await pump.seedFiles([file])
    // Asked before the 48 MiB are in storage: it used to wait for ever.
    const bytes = await Promise.race([
      pump.readRange(id, 0, (40 << 20) + 1, (40 << 20) + 1001),
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('the read never ended')), 30000))
    ])
    return { length: bytes.length, sevens: bytes.every(b => b === 7) }
  })
  assert.deepEqual(got, { length: 1000, sevens: true })
  assert.deepEqual(p.errors, [])
})
