// Interop with a real WebTorrent 3 peer (its browser bundle, in its own Chromium instance)
// through the same real bittorrent-tracker: WebTorrent seeds and peerpage downloads by magnet,
// and peerpage seeds and WebTorrent downloads; the bytes must be identical both ways.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestServer, launchKind, writeRandomFile, fileDigests } from './peers.mjs'

// Not a whole number of pieces, so the short last piece crosses the wire too.
const SIZE = 20 * 1024 * 1024 + 12345
const hex = s => Buffer.from(s).toString('hex')
let server, dir, file

before(async () => {
  server = await startTestServer()
  dir = mkdtempSync(join(tmpdir(), 'pp-interop-'))
  const path = join(dir, 'interop.bin')
  writeRandomFile(path, SIZE)
  file = { path, digests: fileDigests(path) }
})

after(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function share (seederKind, leecherKind) {
  const seeder = await launchKind(server, seederKind)
  const leecher = await launchKind(server, leecherKind)
  try {
    await seeder.page.setInputFiles('#pick', file.path)
    const seeded = await seeder.call('seed', server.trackerUrl)
    assert.match(seeded.magnet, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/)
    const got = await leecher.call('download', seeded.magnet)
    assert.equal(got.length, SIZE)
    assert.deepEqual(await leecher.call('digests'), file.digests)
    return { seeder, leecher, seeded }
  } catch (err) {
    await seeder.close()
    await leecher.close()
    throw err
  }
}

test('WebTorrent 3 seeds, peerpage downloads by magnet: identical bytes', { timeout: 300000 }, async () => {
  const { seeder, leecher } = await share('webtorrent', 'peerpage')
  try {
    // WebTorrent's peer id names it (-WW....-): the bytes came from WebTorrent.
    const ids = await leecher.call('peerIds')
    assert.ok(ids.some(id => id.startsWith(hex('-WW'))), `peerpage's peers: ${ids}`)
    assert.deepEqual(leecher.errors, [])
    assert.deepEqual(seeder.errors, [])
  } finally {
    await seeder.close()
    await leecher.close()
  }
})

test('peerpage seeds, WebTorrent 3 downloads by magnet: identical bytes', { timeout: 300000 }, async () => {
  const { seeder, leecher } = await share('peerpage', 'webtorrent')
  try {
    const ids = await leecher.call('peerIds')
    assert.ok(ids.some(id => id.startsWith(hex('-PP'))), `WebTorrent's peers: ${ids}`)
    assert.deepEqual(leecher.errors, [])
    assert.deepEqual(seeder.errors, [])
  } finally {
    await seeder.close()
    await leecher.close()
  }
})
