// The local server (www/serve.mjs): static files with the right types and nothing outside
// www/, and bittorrent-tracker answering a WebSocket announce on the same port.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { start, parseArgs } from '../../www/serve.mjs'
import { usableUrls, reachableHost } from '../../www/serve-urls.mjs'

let server, port, seedDir
const seedBytes = randomBytes(100000)

before(async () => {
  seedDir = mkdtempSync(join(tmpdir(), 'pp-serve-'))
  mkdirSync(join(seedDir, 'multi'))
  writeFileSync(join(seedDir, 'multi', 'a b.bin'), seedBytes)
  server = await start({ port: 0, host: '127.0.0.1', quiet: true, mounts: { '/webseed/': seedDir } })
  port = new URL(server.url).port
})

after(async () => {
  await server?.close()
  rmSync(seedDir, { recursive: true, force: true })
})

/** A raw GET, so paths reach the server exactly as written (no client-side normalising). */
function get (path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('serves the page, its modules and the wasm with the types browsers require', async () => {
  const page = await get('/')
  assert.equal(page.status, 200)
  assert.match(page.type, /^text\/html/)
  assert.match(page.body.toString(), /<title>peerpage<\/title>/)
  assert.match((await get('/main.js')).type, /^text\/javascript/)
  const wasm = await get('/pkg/peerpage_bg.wasm')
  assert.equal(wasm.status, 200, 'www/pkg is built before the node tests (run-all.sh builds first)')
  assert.equal(wasm.type, 'application/wasm')
  assert.deepEqual([...wasm.body.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d])
})

test('nothing outside www/ is served, however the path is spelled', async () => {
  for (const path of ['/../Cargo.toml', '/%2e%2e/Cargo.toml', '/..%2fCargo.toml', '/ui/..%2f..%2fbuild.sh',
    '/%2e%2e%5cCargo.toml', '/serve.mjs', '/missing.js', '/ui/']) {
    const res = await get(path)
    assert.ok(res.status === 404 || res.status === 400, `${path} gave ${res.status}`)
  }
})

test('Range requests get 206 with Content-Range, so any served file can be a web seed', async () => {
  const path = '/webseed/multi/a%20b.bin'
  const whole = await get(path)
  assert.equal(whole.status, 200)
  assert.equal(whole.headers['accept-ranges'], 'bytes')
  assert.equal(whole.headers['access-control-allow-origin'], '*')
  assert.deepEqual(whole.body, seedBytes)
  const part = await get(path, { Range: 'bytes=1000-1999' })
  assert.equal(part.status, 206)
  assert.equal(part.headers['content-range'], `bytes 1000-1999/${seedBytes.length}`)
  assert.equal(part.headers['content-length'], '1000')
  assert.deepEqual(part.body, seedBytes.subarray(1000, 2000))
  const tail = await get(path, { Range: 'bytes=-10' })
  assert.equal(tail.status, 206)
  assert.deepEqual(tail.body, seedBytes.subarray(seedBytes.length - 10))
  const open = await get(path, { Range: 'bytes=99990-' })
  assert.deepEqual(open.body, seedBytes.subarray(99990))
  const past = await get(path, { Range: 'bytes=100000-100010' })
  assert.equal(past.status, 416)
  assert.equal(past.headers['content-range'], `bytes */${seedBytes.length}`)
  // Ranges of the page's own files work too (a page file can be a web seed).
  assert.equal((await get('/main.js', { Range: 'bytes=0-9' })).body.length, 10)
})

test('a mount serves nothing outside its directory', async () => {
  for (const path of ['/webseed/../Cargo.toml', '/webseed/%2e%2e/%2e%2e/etc/passwd', '/webseed/..%2f..%2fetc%2fpasswd']) {
    const res = await get(path)
    assert.ok(res.status === 404 || res.status === 400, `${path} gave ${res.status}`)
  }
})

/** Opens a WebSocket to `path` with a raw upgrade; resolves to the socket or rejects. */
function upgrade (path) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64')
      }
    })
    req.on('upgrade', (res, socket) => resolve(socket))
    req.on('response', res => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)))
    req.on('error', reject)
    req.end()
  })
}

/** One masked text frame, as RFC 6455 §5.3 requires of a client. */
function textFrame (text) {
  const payload = Buffer.from(text)
  const mask = randomBytes(4)
  const head = payload.length < 126
    ? Buffer.from([0x81, 0x80 | payload.length])
    : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))
  return Buffer.concat([head, mask, body])
}

/** Reads one unmasked server text frame (RFC 6455 §5.2). */
function readFrame (socket) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0)
    const onData = chunk => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 2) return
      let len = buf[1] & 0x7f
      let offset = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        offset = 4
      }
      if (buf.length < offset + len) return
      socket.off('data', onData)
      resolve(buf.subarray(offset, offset + len).toString())
    }
    socket.on('data', onData)
    socket.on('error', reject)
  })
}

test('the embedded tracker answers an announce at ws://host:port/announce', async () => {
  assert.equal(server.trackerUrl, `ws://127.0.0.1:${port}/announce`)
  const socket = await upgrade('/announce')
  try {
    // WebTorrent sends the 20-byte hashes as "binary strings" (one char per byte).
    const infoHash = Buffer.from('c334138ef5bfc2d568ea7324e0e2a3a7ec229bdd', 'hex').toString('latin1')
    const peerId = Buffer.from('-PP0001-' + 'a'.repeat(12)).toString('latin1')
    socket.write(textFrame(JSON.stringify({
      action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'started',
      numwant: 0, uploaded: 0, downloaded: 0, left: 0, offers: []
    })))
    const reply = JSON.parse(await readFrame(socket))
    assert.equal(reply.action, 'announce')
    assert.equal(reply.info_hash, infoHash)
    assert.equal(reply.complete, 1, 'the tracker counts us as a seeder (left = 0)')
    assert.ok(reply.interval > 0)
  } finally {
    socket.destroy()
  }
})

test('a WebSocket upgrade anywhere but /announce is refused', async () => {
  await assert.rejects(upgrade('/elsewhere'))
})

test('options: --port and --host, PORT from the environment, bad values refused', () => {
  assert.deepEqual(parseArgs(['--port', '9000', '--host', '127.0.0.2', '--no-build']),
    { port: 9000, host: '127.0.0.2', build: false })
  const saved = process.env.PORT
  process.env.PORT = '8123'
  try {
    assert.equal(parseArgs([]).port, 8123)
  } finally {
    if (saved === undefined) delete process.env.PORT
    else process.env.PORT = saved
  }
  assert.throws(() => parseArgs(['--port', 'x']), /--port/)
  assert.throws(() => parseArgs(['--port', '70000']), /--port/)
  assert.throws(() => parseArgs(['--frobnicate']), /unknown argument/)
})

// What os.networkInterfaces() gives on a machine with a LAN and a VPN interface.
const interfaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }, { address: '::1', family: 'IPv6', internal: true }],
  eth0: [
    { address: '192.168.1.20', family: 'IPv4', internal: false },
    { address: 'fe80::1c2:3ff:fe04:506', family: 'IPv6', internal: false },
    { address: '2001:db8::20', family: 'IPv6', internal: false }
  ],
  tun0: [{ address: '10.8.0.2', family: 'IPv4', internal: false }]
}

test('a wildcard bind is printed as loopback and each LAN address, never as 0.0.0.0', () => {
  assert.deepEqual(usableUrls('0.0.0.0', 8080, interfaces), ['http://127.0.0.1:8080/', 'http://192.168.1.20:8080/', 'http://10.8.0.2:8080/'])
  assert.deepEqual(usableUrls('::', 9000, interfaces),
    ['http://[::1]:9000/', 'http://192.168.1.20:9000/', 'http://10.8.0.2:9000/', 'http://[2001:db8::20]:9000/'])
  assert.deepEqual(usableUrls('0.0.0.0', 8080, { lo: interfaces.lo }), ['http://127.0.0.1:8080/'])
  // A named host is its own address.
  assert.deepEqual(usableUrls('127.0.0.1', 8080, interfaces), ['http://127.0.0.1:8080/'])
  assert.deepEqual(usableUrls('::1', 8080, interfaces), ['http://[::1]:8080/'])
  // The kiosk's join link names the first LAN address.
  assert.equal(reachableHost('0.0.0.0', interfaces), '192.168.1.20')
  assert.equal(reachableHost('0.0.0.0', { lo: interfaces.lo }), '127.0.0.1')
  assert.equal(reachableHost('::1', interfaces), '[::1]')
})

test('the server started on loopback gives its one URL', () => {
  assert.deepEqual(server.urls, [server.url])
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
})
