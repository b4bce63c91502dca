// Runs inside Chromium (served by tests/bench/chromium.mjs): the same workloads in a page.

import init, { bencodeRoundTrip, sha1 } from '/pkg/peerpage.js'
import bencode from 'bencode'
import { bigTorrent, race } from '/bench/workloads.mjs'

const hex = b => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('')

export async function bencodeBench () {
  await init()
  const torrent = bigTorrent(bencode)
  if (bencodeRoundTrip(torrent) !== bencode.encode(bencode.decode(torrent)).length) throw new Error('bencode differs')
  const r = await race({ ref: () => bencode.encode(bencode.decode(torrent)), ours: () => bencodeRoundTrip(torrent) }, torrent.length)
  return { ...r, mb: torrent.length / 1e6 }
}

export async function sha1Bench () {
  await init()
  const piece = new Uint8Array(256 * 1024).map((_, i) => i * 7)
  if (hex(sha1(piece)) !== hex(await crypto.subtle.digest('SHA-1', piece))) throw new Error('sha1 differs')
  const batch = 16 // WebCrypto is async: let it pipeline a batch, as a verifier would
  return race({
    ref: () => Promise.all(Array.from({ length: batch }, () => crypto.subtle.digest('SHA-1', piece))),
    ours: () => { for (let i = 0; i < batch; i++) sha1(piece) }
  }, piece.length * batch)
}

/** The file the harness put into the page's <input type=file>, as a user would pick it. */
function bigFile () {
  return document.getElementById('pick').files[0]
}

/** peerpage's page creating a torrent of the file (one hashing worker per core); seconds. */
export async function createWithPeerpage () {
  const { createTorrent } = await import('/create.js')
  await init()
  const file = bigFile()
  const result = await createTorrent([{ file, path: ['big.bin'] }], { name: 'big.bin' })
  return { seconds: result.seconds, infoHash: result.infoHash }
}

/** WebTorrent 3 seeding the same file (it hashes every piece before it seeds); seconds. */
export async function seedWithWebTorrent () {
  const { default: WebTorrent } = await import('/nm/webtorrent/dist/webtorrent.min.js')
  const file = bigFile()
  const client = new WebTorrent({ tracker: false, dht: false, lsd: false, webSeeds: false })
  const started = performance.now()
  const torrent = await new Promise((resolve, reject) => {
    client.on('error', reject)
    client.seed(file, { announce: [], name: 'big.bin' }, resolve)
  })
  const seconds = (performance.now() - started) / 1000
  const infoHash = torrent.infoHash
  await new Promise(resolve => client.destroy(resolve))
  return { seconds, infoHash }
}

/** ECDSA and Schnorr against tiny-secp256k1 and @noble/secp256k1 in this page. */
export async function curveBench () {
  const pp = await import('/pkg/wallet.js')
  await pp.default()
  const tiny = await import('tiny-secp256k1')
  const noble = await import('@noble/secp256k1')
  const { sha256 } = await import('@noble/hashes/sha2.js')
  const { hmac } = await import('@noble/hashes/hmac.js')
  noble.hashes.sha256 = sha256
  noble.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg)
  const { curveRows } = await import('/bench/wallet.mjs')
  return curveRows('Chromium', { pp, tiny, noble })
}
