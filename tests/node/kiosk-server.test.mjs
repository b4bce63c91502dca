// The kiosk side of the local server (`npm start -- --kiosk DIR`): the torrent it makes of a
// folder is the one npm create-torrent makes, announced on the embedded tracker with the
// folder as its web seed; the web seed answers ranges as BEP 19 clients need; piece hashes
// are cached until a file changes; the tracker can be restarted under its clients.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import parseTorrent from 'parse-torrent'
import createTorrent from 'create-torrent'
import WebSocket from 'ws'
import { start, parseArgs } from '../../www/serve.mjs'

const root = mkdtempSync(join(tmpdir(), 'peerpage-kiosk-test-'))
const dir = join(root, 'Demo folder')
const cache = join(root, 'cache')
const files = {
  'a.bin': randomBytes(300_000),
  'sub/b é.bin': randomBytes(70_001),
  'sub/deeper/c.txt': Buffer.from('the kiosk shares this folder\n'),
  'z.bin': randomBytes(1)
}
let server

before(async () => {
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), data)
  }
  writeFileSync(join(dir, '.hidden'), 'not shared')
  server = await start({ port: 0, host: '127.0.0.1', quiet: true, kiosk: dir, kioskCache: cache })
})

after(async () => {
  await server?.close()
  rmSync(root, { recursive: true, force: true })
})

function request (path, { method = 'GET', headers = {} } = {}) {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

const seedPath = path => '/kiosk/' + ['Demo folder', ...path.split('/')].map(encodeURIComponent).join('/')

test('--kiosk and its options parse; --public-url alone is refused', () => {
  assert.deepEqual(parseArgs(['--kiosk', 'x', '--public-url', 'http://10.0.0.2:8080/path', '--kiosk-cache', 'c']),
    { port: 8080, host: '127.0.0.1', build: true, kiosk: 'x', publicUrl: 'http://10.0.0.2:8080/', kioskCache: 'c' })
  assert.throws(() => parseArgs(['--public-url', 'http://x/']), /go with --kiosk/)
  assert.throws(() => parseArgs(['--kiosk']), /needs a folder/)
})

test('the kiosk torrent is the one npm create-torrent makes of the folder, with tracker and web seed', async () => {
  const res = await request('/kiosk.torrent')
  assert.equal(res.status, 200)
  assert.equal(res.headers['content-type'], 'application/x-bittorrent')
  const parsed = await parseTorrent(res.body)
  assert.equal(parsed.infoHash, server.kiosk.infoHash)
  assert.equal(parsed.name, 'Demo folder')
  assert.deepEqual(parsed.announce, [server.trackerUrl])
  assert.deepEqual(parsed.urlList, [server.url + 'kiosk/'])
  assert.deepEqual(parsed.files.map(f => f.path.split(/[\\/]/).slice(1).join('/')), Object.keys(files).sort())
  // The judge: create-torrent over the same folder (dot files left out) and piece length.
  const theirs = await new Promise((resolve, reject) => createTorrent(dir, {
    pieceLength: parsed.pieceLength, announceList: [], urlList: [], createdBy: 'x', creationDate: 1
  }, (err, buf) => err ? reject(err) : resolve(buf)))
  assert.equal((await parseTorrent(theirs)).infoHash, parsed.infoHash)

  const meta = JSON.parse((await request('/kiosk.json')).body)
  assert.equal(meta.infoHash, parsed.infoHash)
  assert.equal(meta.length, Object.values(files).reduce((n, b) => n + b.length, 0))
  // Visitors join by the tracker alone: the web seed is for the kiosk screen.
  const joined = new URL(meta.joinUrl)
  assert.equal(joined.origin + '/', server.url)
  const magnet = await parseTorrent(new URLSearchParams(joined.hash.slice(1)).get('magnet'))
  assert.equal(magnet.infoHash, parsed.infoHash)
  assert.deepEqual(magnet.announce, [server.trackerUrl])
  assert.deepEqual(magnet.urlList, [])
})

test('the web seed serves every file whole and in ranges (206, Content-Range, 416)', async () => {
  const before = server.kioskCounters.webSeedBytes
  for (const [path, data] of Object.entries(files)) {
    const whole = await request(seedPath(path))
    assert.equal(whole.status, 200, path)
    assert.equal(whole.headers['accept-ranges'], 'bytes')
    assert.ok(whole.body.equals(data), path)
  }
  const a = files['a.bin']
  // Bytes are counted when the server's response finishes, which may come just after our
  // 'end': let the whole-file answers settle first, or the last one lands in the next count.
  const wholeBytes = Object.values(files).reduce((n, data) => n + data.length, 0)
  for (let i = 0; i < 100 && server.kioskCounters.webSeedBytes - before < wholeBytes; i++) await new Promise(resolve => setTimeout(resolve, 20))
  assert.equal(server.kioskCounters.webSeedBytes - before, wholeBytes, 'the server counts whole files')
  const counted = server.kioskCounters.webSeedBytes
  const part = await request(seedPath('a.bin'), { headers: { Range: 'bytes=1000-66535' } })
  // Counted when the server's response finishes, which may come just after our 'end'.
  for (let i = 0; i < 100 && server.kioskCounters.webSeedBytes === counted; i++) await new Promise(resolve => setTimeout(resolve, 20))
  assert.equal(server.kioskCounters.webSeedBytes - counted, 65536, 'the server counts the body bytes it sent')
  assert.equal(part.status, 206)
  assert.equal(part.headers['content-range'], `bytes 1000-66535/${a.length}`)
  assert.equal(Number(part.headers['content-length']), 65536)
  assert.ok(part.body.equals(a.subarray(1000, 66536)))
  const open = await request(seedPath('a.bin'), { headers: { Range: `bytes=${a.length - 5}-` } })
  assert.equal(open.status, 206)
  assert.ok(open.body.equals(a.subarray(a.length - 5)))
  const suffix = await request(seedPath('a.bin'), { headers: { Range: 'bytes=-7' } })
  assert.equal(suffix.headers['content-range'], `bytes ${a.length - 7}-${a.length - 1}/${a.length}`)
  assert.ok(suffix.body.equals(a.subarray(a.length - 7)))
  const past = await request(seedPath('a.bin'), { headers: { Range: `bytes=${a.length}-${a.length + 10}` } })
  assert.equal(past.status, 416)
  assert.equal(past.headers['content-range'], `bytes */${a.length}`)
  const clipped = await request(seedPath('z.bin'), { headers: { Range: 'bytes=0-99' } })
  assert.equal(clipped.status, 206)
  assert.equal(clipped.headers['content-range'], 'bytes 0-0/1')
  const head = await request(seedPath('a.bin'), { method: 'HEAD', headers: { Range: 'bytes=0-9' } })
  assert.equal(head.status, 206)
  assert.equal(head.body.length, 0)
  // Static page files answer ranges the same way.
  const page = await request('/index.html', { headers: { Range: 'bytes=0-14' } })
  assert.equal(page.status, 206)
  assert.equal(page.body.toString(), '<!doctype html>')
})

test('the web seed serves the torrent\'s files and nothing else', async () => {
  for (const path of ['/kiosk/Demo%20folder/.hidden', '/kiosk/Demo%20folder/sub', '/kiosk/Demo%20folder/../a.bin',
    '/kiosk/Demo%20folder/%2e%2e/%2e%2e/Cargo.toml', '/kiosk/a.bin', '/kiosk/Demo%20folder/sub%2fdeeper%2fc.txt',
    '/kiosk/%E0%A4%A', '/kiosk/']) {
    const res = await request(path)
    assert.ok(res.status === 404 || res.status === 400, `${path} gave ${res.status}`)
  }
})

test('piece hashes come from the cache for an unchanged folder, and are redone when a file changes', async () => {
  const again = await start({ port: 0, host: '127.0.0.1', quiet: true, kiosk: dir, kioskCache: cache })
  try {
    assert.equal(again.kiosk.fromCache, true)
    assert.equal(again.kiosk.infoHash, server.kiosk.infoHash)
    // A new port is a new tracker and web seed URL, outside the info dictionary.
    assert.notEqual(again.kiosk.trackerUrl, server.kiosk.trackerUrl)
  } finally {
    await again.close()
  }
  const changed = Buffer.from(files['sub/deeper/c.txt'])
  changed[0] ^= 1
  writeFileSync(join(dir, 'sub/deeper/c.txt'), changed)
  // The running server refuses to serve bytes that no longer match its torrent.
  assert.equal((await request(seedPath('sub/deeper/c.txt'))).status, 404)
  const fresh = await start({ port: 0, host: '127.0.0.1', quiet: true, kiosk: dir, kioskCache: cache })
  try {
    assert.equal(fresh.kiosk.fromCache, false)
    assert.notEqual(fresh.kiosk.infoHash, server.kiosk.infoHash)
  } finally {
    await fresh.close()
    writeFileSync(join(dir, 'sub/deeper/c.txt'), files['sub/deeper/c.txt'])
    utimesSync(join(dir, 'sub/deeper/c.txt'), new Date(), new Date())
  }
})

test('restartTracker drops every client and a fresh tracker takes new announces', async () => {
  const infoHash = server.kiosk.infoHash
  const announce = ws => new Promise((resolve, reject) => {
    ws.once('message', data => resolve(JSON.parse(data)))
    ws.once('error', reject)
    ws.send(JSON.stringify({
      action: 'announce', info_hash: Buffer.from(infoHash, 'hex').toString('binary'),
      peer_id: randomBytes(20).toString('binary'), uploaded: 0, downloaded: 0, left: 0,
      event: 'started', numwant: 0, offers: []
    }))
  })
  const connect = () => new Promise((resolve, reject) => {
    const ws = new WebSocket(server.trackerUrl)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
  const first = await connect()
  assert.equal((await announce(first)).complete, 1)
  const closed = new Promise(resolve => first.once('close', resolve))
  const restarted = server.restartTracker({ downMs: 300 })
  await closed
  // While it is down, connections are refused.
  await assert.rejects(connect())
  await restarted
  const second = await connect()
  const reply = await announce(second)
  // A fresh tracker: only this announce is in its swarm.
  assert.equal(reply.complete, 1)
  second.close()
})
