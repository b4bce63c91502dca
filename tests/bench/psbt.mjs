// Signing and finalizing a 100-input P2WPKH PSBT: peerpage's wasm (the page's Wallet) against
// bitcoinjs-lib 7 with tiny-secp256k1 (libsecp256k1 compiled to wasm), in one Node run.
//
// bitcoinjs signs with keys derived beforehand (ECPair per input, its fastest path) and plain
// RFC 6979; peerpage derives each key from the master itself and grinds low R (Core's
// default), so the comparison leans against peerpage. Checked before timed: with grinding off
// both produce the same transaction.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as bitcoin from 'bitcoinjs-lib'
import * as ecc from 'tiny-secp256k1'
import { BIP32Factory } from 'bip32'
import { ECPairFactory } from 'ecpair'
import * as bip39 from 'bip39'
import { initSync, Wallet, finalizePsbt } from '../../www/pkg/wallet.js'
import { median } from './workloads.mjs'

const PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const INPUTS = 100

/** Inputs per second of `fn` over `rounds` interleaved rounds (median). */
function rates (fns, rounds = 9) {
  const samples = Object.fromEntries(Object.keys(fns).map(k => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = performance.now()
      fn()
      samples[name].push(INPUTS / ((performance.now() - start) / 1000))
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}

export async function psbtBenchmarks (root) {
  initSync({ module: readFileSync(join(root, 'www/pkg/wallet_bg.wasm')) })
  const net = bitcoin.networks.testnet
  bitcoin.initEccLib(ecc)
  const ECPair = ECPairFactory(ecc)
  const master = BIP32Factory(ecc).fromSeed(bip39.mnemonicToSeedSync(PHRASE))
  const wallet = Wallet.fromMnemonic(PHRASE, '', 'testnet')

  const keys = Array.from({ length: INPUTS }, (_, i) => master.derivePath(`m/84'/1'/0'/0/${i}`))
  const pairs = keys.map(k => ECPair.fromPrivateKey(k.privateKey, { network: net }))
  const psbt = new bitcoin.Psbt({ network: net })
  keys.forEach((k, i) => psbt.addInput({
    hash: Buffer.alloc(32, i),
    index: i,
    sequence: 0xfffffffd,
    witnessUtxo: { script: bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: net }).output, value: 10_000n },
    bip32Derivation: [{ masterFingerprint: master.fingerprint, path: `m/84'/1'/0'/0/${i}`, pubkey: k.publicKey }]
  }))
  psbt.addOutput({ script: bitcoin.payments.p2wpkh({ hash: Buffer.alloc(20, 7) }).output, value: BigInt(9_000 * INPUTS) })
  const unsigned = psbt.toBuffer()
  const zero = new Uint8Array(32)

  const theirsSign = () => {
    const p = bitcoin.Psbt.fromBuffer(unsigned, { network: net })
    pairs.forEach((kp, i) => p.signInput(i, kp))
    return p.toBuffer()
  }
  const oursSign = grind => wallet.signPsbt(unsigned, zero, grind).psbt
  const theirsSigned = theirsSign()
  const oursSigned = oursSign(true)
  const a = bitcoin.Psbt.fromBuffer(theirsSigned, { network: net }).finalizeAllInputs().extractTransaction().toHex()
  const b = finalizePsbt(oursSign(false)).txHex
  if (a !== b) throw new Error('PSBT benchmark: peerpage and bitcoinjs-lib made different transactions')

  const s = rates({ bitcoinjs: theirsSign, peerpage: () => oursSign(true) })
  const f = rates({
    bitcoinjs: () => bitcoin.Psbt.fromBuffer(theirsSigned, { network: net }).finalizeAllInputs().extractTransaction().toHex(),
    peerpage: () => finalizePsbt(oursSigned).txHex
  })
  return [
    { what: `sign a ${INPUTS}-input P2WPKH PSBT, keys from the master, low R (Node)`, ours: s.peerpage, ref: s.bitcoinjs, refName: 'bitcoinjs-lib signInput, keys given', unit: 'inputs/s' },
    { what: `finalize and extract the signed ${INPUTS}-input PSBT (Node)`, ours: f.peerpage, ref: f.bitcoinjs, refName: 'bitcoinjs-lib', unit: 'inputs/s' }
  ]
}
