// The wasm TorrentCreator reads its options and file list as plain JS records: every option
// reaches the torrent (read back by the core's parseTorrent and by npm parse-torrent), absent
// or null fields take their defaults, and a field of the wrong type is a typed error.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import parseTorrentReference from 'parse-torrent'
import { initSync, TorrentCreator, parseTorrent } from '../../www/pkg/peerpage.js'

initSync({ module: readFileSync(new URL('../../www/pkg/peerpage_bg.wasm', import.meta.url)) })

function create (options, files = [{ path: ['a.txt'], length: 5 }, { path: ['d', 'b.txt'], length: 3 }]) {
  const creator = new TorrentCreator(options, files)
  try {
    creator.feed(new TextEncoder().encode('hello' + 'bye'))
    return creator.finish()
  } finally {
    creator.free()
  }
}

test('every option reaches the torrent', async () => {
  const options = {
    name: 'folder',
    pieceLength: 32768,
    trackers: [['wss://one.example/announce'], ['wss://two.example/announce', 'wss://three.example/announce']],
    webSeeds: ['https://seed.example/'],
    private: true,
    comment: 'a comment',
    createdBy: 'peerpage test',
    creationDate: 1700000000
  }
  const { torrent, infoHash } = create(options)
  const ours = parseTorrent(torrent)
  assert.equal(ours.infoHash, infoHash)
  assert.deepEqual(
    [ours.name, ours.pieceLength, ours.trackers, ours.webSeeds, ours.private, ours.comment, ours.createdBy, ours.creationDate],
    Object.values(options)
  )
  assert.deepEqual(ours.files.map(f => [f.path, f.length]), [['a.txt', 5], ['d/b.txt', 3]])
  const ref = await parseTorrentReference(Buffer.from(torrent))
  assert.equal(ref.infoHash, infoHash)
  assert.equal(ref.private, true)
  assert.deepEqual(ref.announce, options.trackers.flat())
})

test('absent and null options take their defaults', () => {
  const ours = parseTorrent(create({ name: 'plain', pieceLength: undefined, comment: null }).torrent)
  assert.deepEqual([ours.trackers, ours.webSeeds, ours.private, ours.comment, ours.createdBy], [[], [], false, undefined, undefined])
  assert.equal(ours.pieceLength, 16384, 'create-torrent\'s choice for 8 bytes')
})

test('a field of the wrong type is a bad-argument error', () => {
  const wrong = [
    [{ name: 5 }],
    [{ name: 'x', pieceLength: 1.5 }],
    [{ name: 'x', trackers: ['not a tier'] }],
    [{ name: 'x', private: 'yes' }],
    [undefined],
    [{ name: 'x' }, [{ path: 'a.txt', length: 1 }]],
    [{ name: 'x' }, [{ path: ['a.txt'] }]],
    [{ name: 'x' }, 'not a list']
  ]
  for (const args of wrong) {
    assert.throws(() => create(...args), { code: 'core.bad-argument' }, JSON.stringify(args))
  }
})
