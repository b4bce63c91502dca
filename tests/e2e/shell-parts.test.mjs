// The shell's parts below the pump, in real Chromium: rtc.js pairs two browser instances
// without trickle and moves bytes with back-pressure; tracker-ws.js talks to the embedded
// bittorrent-tracker; opfs.js keeps pieces and the resume record across a reload and
// refuses nothing it wrote; memory.js reads across its chunks.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useRig } from './rig.mjs'

const rig = useRig()

async function blankPeer () {
  const p = await rig.launch()
  // Any page of the origin will do: the modules are imported directly.
  await p.page.goto(`${rig.server.url}style.css`)
  return p
}

async function rtcSide (page) {
  await page.evaluate(async () => {
    const { RtcPeers } = await import('/transport/rtc.js')
    window.t = { log: [], got: 0, sdps: [], drains: 0, sum: 0 }
    window.rtc = new RtcPeers({}, {
      sdp: (conn, sdp) => window.t.sdps.push({ conn, sdp }),
      failed: conn => window.t.log.push(['failed', conn]),
      open: conn => { window.t.log.push(['open', conn]); return 100 + conn },
      data: (peer, bytes) => {
        window.t.messages = (window.t.messages || 0) + 1
        window.t.last = bytes
        window.t.got += bytes.length
        for (let i = 0; i < bytes.length; i += 4096) window.t.sum = (window.t.sum + bytes[i]) >>> 0
      },
      closed: peer => window.t.log.push(['closed', peer]),
      drained: () => { window.t.drains++ }
    })
  })
}

test('rtc.js: an offer and answer with every candidate (no trickle) open one channel; bytes flow with back-pressure, small writes joined',
  { timeout: 60000 }, async () => {
    const a = (await blankPeer()).page
    const b = (await blankPeer()).page
    await rtcSide(a)
    await rtcSide(b)
    await a.evaluate(() => window.rtc.createOffer(1))
    await a.waitForFunction(() => window.t.sdps.length === 1)
    const offer = await a.evaluate(() => window.t.sdps[0])
    assert.equal(offer.conn, 1)
    assert.match(offer.sdp, /a=candidate/, 'the offer carries its candidates')
    assert.doesNotMatch(offer.sdp, /a=ice-options:trickle/)
    await b.evaluate(sdp => window.rtc.acceptOffer(7, sdp), offer.sdp)
    await b.waitForFunction(() => window.t.sdps.length === 1)
    const answer = await b.evaluate(() => window.t.sdps[0].sdp)
    assert.match(answer, /a=candidate/)
    await a.evaluate(sdp => window.rtc.applyAnswer(1, sdp), answer)
    await a.waitForFunction(() => window.t.log.some(l => l[0] === 'open'))
    await b.waitForFunction(() => window.t.log.some(l => l[0] === 'open'))

    // A sender that waits for drained, as the core does: 1 MiB at a time, 24 MiB in all.
    await a.evaluate(async () => {
      for (let sent = 0; sent < 24 << 20; sent += 1 << 20) {
        const chunk = new Uint8Array(1 << 20)
        for (let i = 0; i < chunk.length; i += 4096) chunk[i] = (sent / 4096 + i / 4096) & 0xff
        const before = window.t.drains
        window.rtc.send(101, chunk)
        while (window.t.drains === before) await new Promise(resolve => setTimeout(resolve, 2))
      }
    })
    await b.waitForFunction(() => window.t.got >= 24 << 20, null, { timeout: 60000 })
    let expected = 0
    for (let sent = 0; sent < 24 << 20; sent += 1 << 20) {
      for (let i = 0; i < 1 << 20; i += 4096) expected = (expected + ((sent / 4096 + i / 4096) & 0xff)) >>> 0
    }
    assert.equal(await b.evaluate(() => window.t.sum), expected, 'the bytes arrive in order')
    assert.ok(await a.evaluate(() => window.t.drains) > 0, 'drains were reported')

    // Small writes of one turn (e.g. a batch of requests) go out joined, in order.
    const before = await b.evaluate(() => ({ messages: window.t.messages, got: window.t.got }))
    await a.evaluate(() => { for (let i = 0; i < 100; i++) window.rtc.send(101, new Uint8Array(17).fill(i)) })
    await b.waitForFunction(n => window.t.got >= n, before.got + 1700)
    const small = await b.evaluate(() => ({ messages: window.t.messages, last: Array.from(window.t.last) }))
    assert.equal(small.messages - before.messages, 1, 'one message for the 100 writes')
    assert.deepEqual(small.last, Array.from({ length: 1700 }, (_, i) => Math.floor(i / 17)))

    // Closing on the core's request reports nothing on that side; the far side sees a close.
    await a.evaluate(() => window.rtc.closePeer(101))
    await b.waitForFunction(() => window.t.log.some(l => l[0] === 'closed' && l[1] === 107))
    assert.deepEqual(await a.evaluate(() => window.t.log), [['open', 1]])
  })

test('rtc.js: a bad remote offer is reported as a failed connection', { timeout: 30000 }, async () => {
  const a = (await blankPeer()).page
  await rtcSide(a)
  await a.evaluate(() => window.rtc.acceptOffer(3, 'v=0\r\nnot an sdp\r\n'))
  await a.waitForFunction(() => window.t.log.some(l => l[0] === 'failed' && l[1] === 3))
})

test('tracker-ws.js: one socket per URL; opened, message and closed are reported', { timeout: 30000 }, async () => {
  const a = (await blankPeer()).page
  const result = await a.evaluate(async url => {
    const { TrackerSockets } = await import('/transport/tracker-ws.js')
    const log = []
    let gotMessage
    const message = new Promise(resolve => { gotMessage = resolve })
    const sockets = new TrackerSockets({
      opened: u => log.push(['opened', u]),
      closed: u => log.push(['closed', u]),
      message: (u, text) => { log.push(['message', u]); gotMessage(JSON.parse(text)) }
    })
    sockets.connect(url)
    sockets.connect(url) // the same URL again: still one socket
    await new Promise(resolve => { const poll = () => log.length ? resolve() : setTimeout(poll, 10); poll() })
    const bin = n => String.fromCharCode(...Array.from({ length: 20 }, (_, i) => (i * n) & 0xff))
    sockets.send(url, JSON.stringify({
      action: 'announce', info_hash: bin(7), peer_id: bin(11), event: 'started',
      numwant: 0, uploaded: 0, downloaded: 0, left: 0, offers: []
    }))
    const reply = await message
    sockets.connect('ws://127.0.0.1:1/announce') // nothing listens there
    await new Promise(resolve => { const poll = () => log.some(l => l[0] === 'closed') ? resolve() : setTimeout(poll, 10); poll() })
    sockets.close(url) // asked for: not reported
    await new Promise(resolve => setTimeout(resolve, 100))
    return { log, reply: reply.action, sockets: sockets.sockets.size }
  }, rig.server.trackerUrl)
  assert.deepEqual(result.log, [['opened', rig.server.trackerUrl], ['message', rig.server.trackerUrl], ['closed', 'ws://127.0.0.1:1/announce']])
  assert.equal(result.reply, 'announce')
  assert.equal(result.sockets, 0)
})

test('opfs.js: pieces and the resume record survive a reload; delete forgets both', { timeout: 30000 }, async () => {
  const p = await blankPeer()
  const hash = 'ab'.repeat(20)
  const first = await p.page.evaluate(async hash => {
    const opfs = await import('/storage/opfs.js')
    const s = await opfs.open(hash, 1000000, 4)
    const piece = new Uint8Array(250000).map((_, i) => i & 0xff)
    await s.writePiece(1, 250000, piece, new Uint8Array([1, 2, 3]))
    // Pieces written together go to the worker in one batch; each promise waits for it.
    await Promise.all([
      s.writePiece(0, 0, new Uint8Array(250000)),
      s.writePiece(3, 750000, new Uint8Array(250000).fill(9), new Uint8Array([4, 5, 6, 7]))
    ])
    return { available: opfs.available(), fresh: s.fresh, resume: s.resume, transferred: piece.length === 0, back: Array.from(await s.read(249999, 3)) }
  }, hash)
  assert.deepEqual(first, { available: true, fresh: true, resume: null, transferred: true, back: [0, 0, 1] })
  await p.page.reload()
  const second = await p.page.evaluate(async hash => {
    const opfs = await import('/storage/opfs.js')
    const s = await opfs.open(hash, 1000000, 4)
    const out = {
      fresh: s.fresh,
      stored: Array.from(s.resume.stored),
      snapshot: Array.from(s.resume.snapshot),
      back: Array.from(await s.read(250000 + 255, 3)),
      last: Array.from(await s.read(999998, 2))
    }
    let err = null
    await s.read(999999, 2).catch(e => { err = e.code })
    out.pastEnd = err
    await s.delete()
    const again = await opfs.open(hash, 1000000, 4)
    out.afterDelete = { fresh: again.fresh, resume: again.resume }
    await again.delete()
    return out
  }, hash)
  assert.deepEqual(second, {
    fresh: false,
    stored: [0b11010000],
    snapshot: [4, 5, 6, 7],
    back: [255, 0, 1],
    last: [9, 9],
    pastEnd: 'storage.read',
    afterDelete: { fresh: true, resume: null }
  })
})

test('memory.js: reads and writes across its 1 MiB chunks; unwritten bytes are zeros', { timeout: 30000 }, async () => {
  const p = await blankPeer()
  const out = await p.page.evaluate(async () => {
    const m = await import('/storage/memory.js')
    const s = await m.open('x', 3000000, 3)
    await s.writePiece(1, 1048570, new Uint8Array(20).fill(9))
    let err = null
    await s.write(2999999, new Uint8Array(2)).catch(e => { err = e.code })
    return { bytes: Array.from(await s.read(1048568, 24)), err }
  })
  assert.deepEqual(out.bytes, [0, 0, ...new Array(20).fill(9), 0, 0])
  assert.equal(out.err, 'storage.range')
})
