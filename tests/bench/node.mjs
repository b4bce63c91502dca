// Benchmarks in Node: peerpage's wasm against npm bencode and node's native SHA-1.

import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import bencode from 'bencode'
import { initSync, bencodeRoundTrip, sha1 } from '../../www/pkg/peerpage.js'
import { bigTorrent, race } from './workloads.mjs'
// The wallet's benchmarks run in the wallet's own module (build.sh makes two).
import * as pp from '../../www/pkg/wallet.js'
import * as tiny from 'tiny-secp256k1'
import * as noble from '@noble/secp256k1'
import { sha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
import * as bitcoin from 'bitcoinjs-lib'
import { BIP32Factory } from 'bip32'
import * as bip39 from 'bip39'
import { curveRows, psbtRows } from './wallet.mjs'

/** Only the curve rows (`npm run bench -- --wallet-only`). */
export async function nodeCurveBenchmarks (root) {
  pp.initSync({ module: readFileSync(join(root, 'www/pkg/wallet_bg.wasm')) })
  noble.hashes.sha256 = sha256
  noble.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg)
  return curveRows('Node', { pp, tiny, noble })
}

export async function nodeBenchmarks (root) {
  initSync({ module: readFileSync(join(root, 'www/pkg/peerpage_bg.wasm')) })
  pp.initSync({ module: readFileSync(join(root, 'www/pkg/wallet_bg.wasm')) })
  const rows = []

  const torrent = bigTorrent(bencode)
  // Check before timing: both sides agree on the canonical encoding's length.
  const theirs = bencode.encode(bencode.decode(torrent))
  if (bencodeRoundTrip(torrent) !== theirs.length) throw new Error('bencode results differ')
  const b = await race({
    'npm bencode': () => bencode.encode(bencode.decode(torrent)),
    peerpage: () => bencodeRoundTrip(torrent)
  }, torrent.length)
  rows.push({ what: `bencode decode+encode, ${(torrent.length / 1e6).toFixed(1)} MB torrent of 20,000 files (Node)`, ours: b.peerpage, ref: b['npm bencode'], refName: 'npm bencode', unit: 'MB/s' })

  const piece = new Uint8Array(256 * 1024).map((_, i) => i * 7)
  if (Buffer.from(sha1(piece)).toString('hex') !== createHash('sha1').update(piece).digest('hex')) {
    throw new Error('sha1 results differ')
  }
  const h = await race({
    'node:crypto': () => createHash('sha1').update(piece).digest(),
    peerpage: () => sha1(piece)
  }, piece.length)
  rows.push({ what: 'SHA-1 of 256 KiB pieces (Node)', ours: h.peerpage, ref: h['node:crypto'], refName: 'node:crypto (OpenSSL)', unit: 'MB/s' })

  // noble's synchronous API takes its hashes from the caller.
  noble.hashes.sha256 = sha256
  noble.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg)
  rows.push(...await curveRows('Node', { pp, tiny, noble }))
  rows.push(...await psbtRows('Node', { pp, bitcoin, ecc: tiny, bip32: BIP32Factory(tiny), bip39 }))
  return rows
}
