// The wasm Core (CORE_API.md) in Node: two Core instances find each other through the real
// bittorrent-tracker of the local server and move a torrent, with JS doing only what a pump
// does: open WebSockets, pass text and bytes, keep pieces. WebRTC is simulated: an SDP is a
// token naming its Core and connection, and "opening" joins the two data channels in JS.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import createTorrent from 'create-torrent'
import { start } from '../../www/serve.mjs'
import { initSync, Core } from '../../www/pkg/peerpage.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
let server

before(async () => {
  initSync({ module: readFileSync(join(root, 'www/pkg/peerpage_bg.wasm')) })
  server = await start({ port: 0, host: '127.0.0.1', quiet: true })
})

after(() => server?.close())

const now = () => performance.now()

function makeTorrent (data, name) {
  return new Promise((resolve, reject) => {
    createTorrent(Buffer.from(data), { name, pieceLength: 16384, announceList: [] }, (err, t) => err ? reject(err) : resolve(new Uint8Array(t)))
  })
}

/** A minimal pump around one Core: everything the core asks, done in JS. */
class Page {
  constructor (name, trackerUrl) {
    this.name = name
    this.core = new Core(randomBytes(20), randomBytes(8), false)
    this.core.setDefaultTrackers([trackerUrl])
    this.sockets = new Map()
    this.pending = new Map() // conn -> far {page, conn}
    this.links = new Map() // peer -> far {page, peer}
    this.pieces = new Map() // `${torrent}:${piece}` -> bytes
    this.events = []
    this.timer = null
    this.waiters = []
  }

  /** Runs `fn` on the core, then does every output. */
  input (fn) {
    if (this.closed) return
    const result = fn(this.core)
    this.drain()
    return result
  }

  drain () {
    for (let o = this.core.poll(); o !== undefined; o = this.core.poll()) this.handle(o)
    clearTimeout(this.timer)
    const at = this.core.nextTimeout()
    if (at !== undefined) this.timer = setTimeout(() => this.input(c => c.timeout(now())), Math.max(0, at - now()))
    for (const w of this.waiters.splice(0)) w()
  }

  handle (o) {
    this.events.push(o.type)
    switch (o.type) {
      case 'tracker-connect': {
        const ws = new WebSocket(o.url)
        this.sockets.set(o.url, ws)
        ws.on('open', () => this.input(c => c.trackerOpened(o.url, now())))
        ws.on('message', text => this.input(c => c.trackerMessage(o.url, text.toString(), now())))
        ws.on('close', () => this.sockets.get(o.url) === ws && this.input(c => c.trackerClosed(o.url, now())))
        break
      }
      case 'tracker-close': this.sockets.get(o.url)?.close(); this.sockets.delete(o.url); break
      case 'tracker-send': this.sockets.get(o.url)?.send(o.text); break
      case 'create-offer': queueMicrotask(() => this.input(c => c.connSdp(o.conn, `offer ${this.name} ${o.conn}`, now()))); break
      case 'accept-offer': {
        const [, farName, farConn] = o.sdp.split(' ')
        this.pending.set(o.conn, { page: Page.byName[farName], conn: Number(farConn) })
        queueMicrotask(() => this.input(c => c.connSdp(o.conn, `answer ${this.name} ${o.conn}`, now())))
        break
      }
      case 'apply-answer': {
        const [, farName, farConn] = o.sdp.split(' ')
        const far = Page.byName[farName]
        setTimeout(() => Page.open(this, o.conn, far, Number(farConn)), 5)
        break
      }
      case 'drop-conn': this.pending.delete(o.conn); break
      case 'send': {
        const far = this.links.get(o.peer)
        if (!far) break
        const bytes = o.bytes.slice()
        setImmediate(() => {
          if (far.page.links.get(far.peer)?.page !== this) return
          far.page.input(c => c.peerData(far.peer, bytes, now()))
          if (this.links.has(o.peer)) this.input(c => c.peerDrained(o.peer, now()))
        })
        break
      }
      case 'close-peer': {
        const far = this.links.get(o.peer)
        this.links.delete(o.peer)
        if (far && far.page.links.delete(far.peer)) setImmediate(() => far.page.input(c => c.peerClosed(far.peer, now())))
        break
      }
      case 'store-piece': this.pieces.set(`${o.torrent}:${o.piece}`, o.data); break
      case 'read-piece': {
        const data = this.pieces.get(`${o.torrent}:${o.piece}`)
        queueMicrotask(() => this.input(c => data ? c.pieceRead(o.torrent, o.piece, data, now()) : c.pieceMissing(o.torrent, o.piece, now())))
        break
      }
      case 'http-get': queueMicrotask(() => this.input(c => c.httpResponse(o.torrent, o.request, 0, new Uint8Array(0), now()))); break
      default: break // events: metadata, verified, complete, peer-count, ...
    }
  }

  /** Both data channels of a connection open. */
  static open (a, ca, b, cb) {
    if (!b.pending.has(cb)) return
    b.pending.delete(cb)
    // Both channels exist before either side's first bytes (its handshake) are written.
    const pa = a.core.connOpen(ca, now())
    const pb = b.core.connOpen(cb, now())
    a.links.set(pa, { page: b, peer: pb })
    b.links.set(pb, { page: a, peer: pa })
    a.drain(); b.drain()
  }

  until (cond, ms) {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`${this.name}: timed out; events ${[...new Set(this.events)]}`)), ms)
      const check = () => cond() ? (clearTimeout(deadline), resolve()) : this.waiters.push(check)
      check()
    })
  }

  close () {
    this.closed = true
    clearTimeout(this.timer)
    for (const ws of this.sockets.values()) ws.close()
  }
}
Page.byName = {}

test('two Cores meet through bittorrent-tracker and move a torrent, the leecher by magnet', async () => {
  const data = randomBytes(200_000)
  const torrent = await makeTorrent(data, 'core-test.bin')
  const seeder = new Page('seeder', server.trackerUrl)
  const leecher = new Page('leecher', server.trackerUrl)
  Page.byName = { seeder, leecher }
  try {
    const st = seeder.input(c => c.addSeed(torrent, now()))
    const info = seeder.core.info(st)
    assert.equal(info.length, data.length)
    assert.equal(info.pieceCount, Math.ceil(data.length / 16384))
    for (let p = 0; p < info.pieceCount; p++) {
      seeder.pieces.set(`${st}:${p}`, new Uint8Array(data.subarray(p * 16384, (p + 1) * 16384)))
    }
    // The leecher joins only when the seeder's announce went out, so the tracker relays the
    // leecher's offers to it.
    await seeder.until(() => seeder.core.trackers(st).some(t => t.connected && t.seeders !== undefined), 10_000)
    const lt = leecher.input(c => c.addMagnet(info.magnet, now()))
    assert.equal(leecher.core.info(lt).hasMetadata, false)
    await leecher.until(() => leecher.core.stats(lt).complete, 30_000)
    const got = Buffer.concat([...Array(info.pieceCount).keys()].map(p => leecher.pieces.get(`${lt}:${p}`)))
    assert.ok(got.equals(data), 'the leecher has exactly the seeded bytes')
    assert.ok(leecher.events.includes('metadata') && leecher.events.includes('complete'))
    assert.deepEqual(new Uint8Array(leecher.core.torrentFile(lt)).length > 0, true)
    assert.equal(seeder.core.stats(st).uploaded, data.length)
    // The core's errors carry stable codes.
    assert.throws(() => leecher.core.connOpen(4242, now()), e => e.code === 'client.unknown-conn')
    assert.throws(() => leecher.core.trackerMessage(server.trackerUrl, '{nope', now()), e => e.code === 'tracker.not-json')
    assert.throws(() => leecher.core.setFilePriority(lt, 0, 'urgent'), e => e.code === 'core.bad-argument')
    assert.throws(() => new Core(new Uint8Array(3), new Uint8Array(8), false), e => e.code === 'core.bad-argument')
  } finally {
    seeder.close()
    leecher.close()
  }
})
