// PSBTs built by bitcoinjs-lib and by @scure/btc-signer, signed by peerpage's wasm, finalize
// and extract to the very transaction those libraries produce with the same keys (ECDSA
// grinding off, BIP-340 aux randomness zero); and the reverse: their signed PSBTs finalized
// by peerpage, peerpage's signed PSBTs finalized by them.

import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as bitcoin from 'bitcoinjs-lib'
import * as ecc from 'tiny-secp256k1'
import { BIP32Factory } from 'bip32'
import { ECPairFactory } from 'ecpair'
import * as bip39 from 'bip39'
import * as scure from '@scure/btc-signer'
import { initSync, Wallet, finalizePsbt } from '../../www/pkg/wallet.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const ZERO32 = new Uint8Array(32)
const net = bitcoin.networks.bitcoin
bitcoin.initEccLib(ecc)
const bip32 = BIP32Factory(ecc)
const ECPair = ECPairFactory(ecc)
const master = bip32.fromSeed(bip39.mnemonicToSeedSync(ABANDON))
const hex = b => Buffer.from(b).toString('hex')

let wallet
before(() => {
  initSync({ module: readFileSync(join(root, 'www/pkg/wallet_bg.wasm')) })
  wallet = Wallet.fromMnemonic(ABANDON, '', 'mainnet')
})

/** The key at `path` and what a PSBT says about it. */
function key (path) {
  const node = master.derivePath(path)
  return { path, node, pubkey: node.publicKey, xonly: node.publicKey.slice(1, 33), priv: node.privateKey }
}

/** BIP-341 key-path tweak of a BIP-86 key: the tweaked secret and output key. */
function tweaked (k) {
  let d = k.priv
  if (k.pubkey[0] === 3) d = ecc.privateNegate(d)
  const t = bitcoin.crypto.taggedHash('TapTweak', k.xonly)
  const dt = ecc.privateAdd(d, t)
  return { d: dt, pub: ecc.pointFromScalar(dt, true) }
}

const SPENDS = [
  { type: 'p2pkh', path: "m/44'/0'/0'/0/0" },
  { type: 'p2sh-p2wpkh', path: "m/49'/0'/0'/0/0" },
  { type: 'p2wpkh', path: "m/84'/0'/0'/0/0" },
  { type: 'p2wpkh', path: "m/84'/0'/0'/0/1" },
  { type: 'p2tr', path: "m/86'/0'/0'/0/0" }
]

function payment (type, k) {
  if (type === 'p2pkh') return bitcoin.payments.p2pkh({ pubkey: k.pubkey, network: net })
  if (type === 'p2wpkh') return bitcoin.payments.p2wpkh({ pubkey: k.pubkey, network: net })
  if (type === 'p2sh-p2wpkh') return bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey: k.pubkey, network: net }), network: net })
  return bitcoin.payments.p2tr({ internalPubkey: k.xonly, network: net })
}

/** A funding transaction paying each spend 100,000 sat, and a bitcoinjs PSBT spending them
 *  to a stranger and to our BIP-84 change address. */
function bitcoinjsPsbt (spends = SPENDS) {
  const keys = spends.map(s => ({ ...s, k: key(s.path) }))
  const funding = new bitcoin.Transaction()
  funding.version = 2
  funding.addInput(Buffer.alloc(32, 7), 0)
  for (const s of keys) funding.addOutput(payment(s.type, s.k).output, 100_000n)
  const psbt = new bitcoin.Psbt({ network: net })
  const fp = master.fingerprint
  keys.forEach((s, vout) => {
    const out = funding.outs[vout]
    const input = { hash: funding.getId(), index: vout, sequence: 0xfffffffd }
    if (s.type === 'p2tr') {
      Object.assign(input, { witnessUtxo: { script: out.script, value: out.value }, tapInternalKey: s.k.xonly, tapBip32Derivation: [{ masterFingerprint: fp, path: s.path, pubkey: s.k.xonly, leafHashes: [] }] })
    } else {
      Object.assign(input, { nonWitnessUtxo: funding.toBuffer(), bip32Derivation: [{ masterFingerprint: fp, path: s.path, pubkey: s.k.pubkey }] })
      if (s.type !== 'p2pkh') input.witnessUtxo = { script: out.script, value: out.value }
      if (s.type === 'p2sh-p2wpkh') input.redeemScript = bitcoin.payments.p2wpkh({ pubkey: s.k.pubkey, network: net }).output
    }
    psbt.addInput(input)
  })
  const stranger = bitcoin.payments.p2wpkh({ pubkey: key("m/84'/0'/9'/0/0").pubkey, network: net }).address
  const change = key("m/84'/0'/0'/1/0")
  psbt.addOutput({ address: stranger, value: 300_000n })
  psbt.addOutput({ address: payment('p2wpkh', change).address, value: BigInt(keys.length * 100_000 - 300_000 - 12_345), bip32Derivation: [{ masterFingerprint: fp, path: change.path, pubkey: change.pubkey }] })
  return { psbt, keys }
}

/** Signs every input with bitcoinjs-lib: plain RFC 6979 ECDSA, BIP-340 with zero aux. */
function signWithBitcoinjs (psbt, keys) {
  keys.forEach((s, i) => {
    if (s.type === 'p2tr') {
      const t = tweaked(s.k)
      psbt.signInput(i, { publicKey: t.pub, signSchnorr: h => ecc.signSchnorr(h, t.d, ZERO32), sign: () => { throw new Error('no ECDSA') } })
    } else {
      psbt.signInput(i, ECPair.fromPrivateKey(s.k.priv, { network: net }))
    }
  })
  return psbt
}

function peerpageSign (bytes) {
  const signed = wallet.signPsbt(bytes, ZERO32, false)
  return signed
}

test('peerpage reviews a bitcoinjs PSBT: values, owners, change, fee', () => {
  const { psbt, keys } = bitcoinjsPsbt()
  const r = wallet.reviewPsbt(psbt.toBuffer())
  assert.equal(r.inputs.length, keys.length)
  assert.ok(r.inputs.every(i => i.ours && i.value === 100_000))
  assert.deepEqual(r.outputs.map(o => [o.ours, o.change]), [[false, false], [true, true]])
  assert.equal(r.fee, 12_345)
  assert.equal(r.sent, 300_000)
  assert.ok(r.feeRate > 10 && r.feeRate < 100, `fee rate ${r.feeRate}`)
})

test('a bitcoinjs PSBT signed by peerpage extracts to the transaction bitcoinjs makes', () => {
  const { psbt, keys } = bitcoinjsPsbt()
  const signed = peerpageSign(psbt.toBuffer())
  assert.equal(signed.report.signatures, keys.length)
  assert.deepEqual(signed.report.refused, [])
  const ours = finalizePsbt(signed.psbt)
  assert.equal(ours.complete, true)
  const theirs = signWithBitcoinjs(psbt.clone(), keys).finalizeAllInputs().extractTransaction()
  assert.equal(ours.txHex, theirs.toHex())
  assert.equal(ours.txid, theirs.getId())
  // The reverse: bitcoinjs validates peerpage's signatures and finalizes them the same way.
  const back = bitcoin.Psbt.fromBuffer(Buffer.from(signed.psbt), { network: net })
  assert.ok(back.validateSignaturesOfAllInputs((pub, msg, sig) => pub.length === 32 ? ecc.verifySchnorr(msg, pub, sig) : ecc.verify(msg, pub, sig)))
  assert.equal(back.finalizeAllInputs().extractTransaction().toHex(), ours.txHex)
})

test('a PSBT signed by bitcoinjs is finalized by peerpage into bitcoinjs\'s transaction', () => {
  const { psbt, keys } = bitcoinjsPsbt()
  const signed = signWithBitcoinjs(psbt, keys)
  const ours = finalizePsbt(signed.toBuffer())
  assert.equal(ours.complete, true)
  assert.equal(ours.txHex, signed.finalizeAllInputs().extractTransaction().toHex())
})

test('an @scure/btc-signer PSBT signed by peerpage extracts to the transaction scure makes', () => {
  const { psbt, keys } = bitcoinjsPsbt()
  // Rebuild the same spend with scure's own PSBT writer.
  const tx = new scure.Transaction({ allowUnknownOutputs: true })
  const parsed = scure.Transaction.fromPSBT(psbt.toBuffer())
  for (let i = 0; i < parsed.inputsLength; i++) tx.addInput(parsed.getInput(i))
  for (let i = 0; i < parsed.outputsLength; i++) tx.addOutput(parsed.getOutput(i))
  const built = tx.toPSBT(0)
  const signed = peerpageSign(built)
  const ours = finalizePsbt(signed.psbt)
  assert.equal(ours.complete, true)
  keys.forEach((s, i) => tx.signIdx(s.k.priv, i, undefined, ZERO32))
  const theirs = tx.clone()
  theirs.finalize()
  assert.equal(ours.txHex, theirs.hex)
  // The reverse: scure finalizes peerpage's signed PSBT to the same bytes, and peerpage
  // finalizes scure's signed PSBT to them too.
  const back = scure.Transaction.fromPSBT(signed.psbt)
  back.finalize()
  assert.equal(back.hex, ours.txHex)
  assert.equal(finalizePsbt(tx.toPSBT(0)).txHex, ours.txHex)
  // PSBT v2 (BIP-370) from scure: the same signatures and transaction.
  const v2 = finalizePsbt(peerpageSign(rebuild(tx, 2)).psbt)
  assert.equal(v2.txHex, ours.txHex)
})

/** The unsigned scure transaction as a PSBT of `version`. */
function rebuild (signedTx, version) {
  const fresh = new scure.Transaction({ allowUnknownOutputs: true, version: signedTx.version, lockTime: signedTx.lockTime })
  for (let i = 0; i < signedTx.inputsLength; i++) {
    const input = { ...signedTx.getInput(i) }
    delete input.partialSig
    delete input.tapKeySig
    delete input.finalScriptSig
    delete input.finalScriptWitness
    fresh.addInput(input)
  }
  for (let i = 0; i < signedTx.outputsLength; i++) fresh.addOutput(signedTx.getOutput(i))
  return fresh.toPSBT(version)
}

test('bad PSBTs are refused with a code, and nothing is signed', () => {
  for (const bad of ['', 'cHNidP8=', 'not a psbt', '70736274ff01']) {
    assert.throws(() => wallet.signPsbt(new TextEncoder().encode(bad), ZERO32, false), err => /^btc\.psbt\.|^wallet\./.test(err.code))
    assert.throws(() => wallet.reviewPsbt(new TextEncoder().encode(bad)), err => typeof err.code === 'string')
  }
  // A PSBT of someone else's keys: reviewed as not ours, and signing adds nothing.
  const other = Wallet.fromMnemonic('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong', '', 'mainnet')
  const { psbt } = bitcoinjsPsbt()
  assert.ok(other.reviewPsbt(psbt.toBuffer()).inputs.every(i => !i.ours))
  assert.equal(other.signPsbt(psbt.toBuffer(), ZERO32, false).report.signatures, 0)
  other.free()
})

test('a non-default sighash type is signed only when the caller allows it', () => {
  const { psbt } = bitcoinjsPsbt()
  const ACP = bitcoin.Transaction.SIGHASH_ALL | bitcoin.Transaction.SIGHASH_ANYONECANPAY
  psbt.updateInput(2, { sighashType: ACP })
  const bytes = psbt.toBuffer()
  // By default (and with the option off) nothing is signed: a typed error names the input.
  for (const allow of [undefined, false]) {
    assert.throws(() => wallet.signPsbt(bytes, ZERO32, false, allow),
      err => err.code === 'wallet.non-default-sighash' && /input 2 /.test(err.message))
  }
  // Allowed, every input is signed, input 2 with ALL|ANYONECANPAY, and bitcoinjs verifies it.
  const signed = wallet.signPsbt(bytes, ZERO32, false, true)
  assert.equal(signed.report.signed.length, 5)
  const back = bitcoin.Psbt.fromBuffer(Buffer.from(signed.psbt), { network: net })
  assert.equal(back.data.inputs[2].partialSig[0].signature.at(-1), ACP)
  assert.ok(back.validateSignaturesOfInput(2, (pubkey, hash, sig) => ecc.verify(hash, pubkey, sig)))
})
