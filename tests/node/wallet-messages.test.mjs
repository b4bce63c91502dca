// Signed messages against a JS reference. No npm package implements BIP-322 and
// bitcoinjs-message is not installed, so the reference is built from the parts every
// Bitcoin JS wallet trusts: bitcoinjs-lib's transactions and signature hashes and
// libsecp256k1 (tiny-secp256k1) for signing, verifying and key recovery. Each side signs,
// the other verifies.

import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as bitcoin from 'bitcoinjs-lib'
import * as ecc from 'tiny-secp256k1'
import { BIP32Factory } from 'bip32'
import * as bip39 from 'bip39'
import { initSync, Wallet, verifyMessage } from '../../www/pkg/wallet.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const net = bitcoin.networks.bitcoin
const master = BIP32Factory(ecc).fromSeed(bip39.mnemonicToSeedSync(ABANDON))
const MESSAGES = ['', 'Hello World', 'UTF-8: öäü 测试 😄', 'x'.repeat(300)]
const { sha256 } = bitcoin.crypto
bitcoin.initEccLib(ecc)

let wallet
before(() => {
  initSync({ module: readFileSync(join(root, 'www/pkg/wallet_bg.wasm')) })
  wallet = Wallet.fromMnemonic(ABANDON, '', 'mainnet')
})

const concat = (...parts) => Buffer.concat(parts.map(p => Buffer.from(p)))
const varint = n => n < 0xfd ? Buffer.from([n]) : concat([0xfd], Buffer.from([n & 0xff, n >> 8]))

// ---- BIP-137 --------------------------------------------------------------------------

function bip137Hash (message) {
  const magic = Buffer.from('Bitcoin Signed Message:\n')
  const m = Buffer.from(message, 'utf8')
  return bitcoin.crypto.hash256(concat(varint(magic.length), magic, varint(m.length), m))
}

test('BIP-137: peerpage signatures recover, with libsecp256k1, to the signing address', () => {
  for (const [type, base, purpose] of [['p2pkh', 31, 44], ['p2sh-p2wpkh', 35, 49], ['p2wpkh', 39, 84]]) {
    const k = master.derivePath(`m/${purpose}'/0'/0'/0/0`)
    for (const message of MESSAGES) {
      const { address, signature } = wallet.signMessage(type, 0, 0, 0, message, 'bip137', new Uint8Array(32))
      const raw = Buffer.from(signature, 'base64')
      assert.equal(raw.length, 65)
      assert.equal(raw[0] - ((raw[0] - 27) & 3), base, type)
      const pub = ecc.recover(bip137Hash(message), raw.subarray(1), (raw[0] - 27) & 3, true)
      assert.equal(Buffer.from(pub).toString('hex'), Buffer.from(k.publicKey).toString('hex'))
      const expect = type === 'p2pkh' ? bitcoin.payments.p2pkh({ pubkey: pub, network: net }).address
        : type === 'p2wpkh' ? bitcoin.payments.p2wpkh({ pubkey: pub, network: net }).address
          : bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey: pub, network: net }), network: net }).address
      assert.equal(address, expect)
    }
  }
})

test('BIP-137: libsecp256k1 signatures verify in peerpage; tampered ones do not', () => {
  const k = master.derivePath("m/44'/0'/0'/0/0")
  const address = bitcoin.payments.p2pkh({ pubkey: k.publicKey, network: net }).address
  for (const message of MESSAGES) {
    const { signature, recoveryId } = ecc.signRecoverable(bip137Hash(message), k.privateKey)
    const sig = concat([31 + recoveryId], signature).toString('base64')
    assert.equal(verifyMessage(address, message, sig, 'mainnet').verdict, 'valid')
    assert.equal(verifyMessage(address, `${message}!`, sig, 'mainnet').verdict, 'invalid')
  }
})

// ---- BIP-322 --------------------------------------------------------------------------

function taggedHash (tag, data) {
  const t = sha256(Buffer.from(tag))
  return sha256(concat(t, t, data))
}

/** to_spend and the unsigned to_sign of BIP-322, built with bitcoinjs-lib. */
function virtualTxs (outputScript, message) {
  const toSpend = new bitcoin.Transaction()
  toSpend.version = 0
  const hash = taggedHash('BIP0322-signed-message', Buffer.from(message, 'utf8'))
  toSpend.addInput(Buffer.alloc(32), 0xffffffff, 0, concat([0x00, 0x20], hash))
  toSpend.addOutput(outputScript, 0n)
  const toSign = new bitcoin.Transaction()
  toSign.version = 0
  toSign.addInput(toSpend.getHash(), 0, 0)
  toSign.addOutput(Buffer.from([0x6a]), 0n)
  return { toSpend, toSign }
}

const encodeWitness = items => concat(varint(items.length), ...items.flatMap(i => [varint(i.length), i]))
function decodeWitness (bytes) {
  let at = 1
  const items = []
  for (let n = 0; n < bytes[0]; n++) {
    const len = bytes[at]
    items.push(bytes.subarray(at + 1, at + 1 + len))
    at += 1 + len
  }
  assert.equal(at, bytes.length)
  return items
}

function taprootKey (path) {
  const k = master.derivePath(path)
  const x = k.publicKey.subarray(1, 33)
  const t = taggedHash('TapTweak', x)
  const d = ecc.privateAdd(k.publicKey[0] === 3 ? ecc.privateNegate(k.privateKey) : k.privateKey, t)
  const output = bitcoin.payments.p2tr({ internalPubkey: x, network: net })
  return { d, q: output.pubkey, output }
}

test('BIP-322: peerpage\'s simple and full signatures verify under bitcoinjs-lib and libsecp256k1', () => {
  for (const message of MESSAGES) {
    // P2WPKH simple: witness [signature, key] over the BIP-143 hash of to_sign.
    const k = master.derivePath("m/84'/0'/0'/0/0")
    const p2wpkh = bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: net })
    let { signature } = wallet.signMessage('p2wpkh', 0, 0, 0, message, 'bip322-simple', new Uint8Array(32))
    assert.ok(signature.startsWith('smp'))
    let [sig, pub] = decodeWitness(Buffer.from(signature.slice(3), 'base64'))
    const { toSign } = virtualTxs(p2wpkh.output, message)
    const h = toSign.hashForWitnessV0(0, bitcoin.payments.p2pkh({ pubkey: k.publicKey }).output, 0n, bitcoin.Transaction.SIGHASH_ALL)
    const decoded = bitcoin.script.signature.decode(sig)
    assert.equal(decoded.hashType, bitcoin.Transaction.SIGHASH_ALL)
    assert.ok(ecc.verify(h, pub, decoded.signature))

    // P2TR simple: one BIP-340 signature by the tweaked key over the BIP-341 hash.
    const tr = taprootKey("m/86'/0'/0'/0/0");
    ({ signature } = wallet.signMessage('p2tr', 0, 0, 0, message, 'bip322-simple', new Uint8Array(32).fill(9)))
    ;[sig] = decodeWitness(Buffer.from(signature.slice(3), 'base64'))
    const trTx = virtualTxs(tr.output.output, message)
    const th = trTx.toSign.hashForWitnessV1(0, [tr.output.output], [0n], bitcoin.Transaction.SIGHASH_DEFAULT)
    assert.equal(sig.length, 64)
    assert.ok(ecc.verifySchnorr(th, tr.q, sig))

    // P2PKH full: the whole to_sign, its scriptSig signing the legacy hash.
    const lk = master.derivePath("m/44'/0'/0'/0/0")
    const p2pkh = bitcoin.payments.p2pkh({ pubkey: lk.publicKey, network: net });
    ({ signature } = wallet.signMessage('p2pkh', 0, 0, 0, message, 'bip322-full', new Uint8Array(32)))
    const full = bitcoin.Transaction.fromBuffer(Buffer.from(signature.slice(3), 'base64'))
    const legacy = virtualTxs(p2pkh.output, message)
    assert.equal(Buffer.from(full.ins[0].hash).toString('hex'), Buffer.from(legacy.toSpend.getHash()).toString('hex'))
    ;[sig, pub] = bitcoin.script.decompile(full.ins[0].script)
    const lh = legacy.toSign.hashForSignature(0, p2pkh.output, bitcoin.Transaction.SIGHASH_ALL)
    assert.ok(ecc.verify(lh, pub, bitcoin.script.signature.decode(sig).signature))
  }
})

test('BIP-322: signatures made with bitcoinjs-lib and libsecp256k1 verify in peerpage', () => {
  for (const message of MESSAGES) {
    const k = master.derivePath("m/84'/0'/0'/0/5")
    const p2wpkh = bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: net })
    const { toSign } = virtualTxs(p2wpkh.output, message)
    const h = toSign.hashForWitnessV0(0, bitcoin.payments.p2pkh({ pubkey: k.publicKey }).output, 0n, bitcoin.Transaction.SIGHASH_ALL)
    const sig = bitcoin.script.signature.encode(ecc.sign(h, k.privateKey), bitcoin.Transaction.SIGHASH_ALL)
    const smp = 'smp' + encodeWitness([sig, k.publicKey]).toString('base64')
    assert.equal(verifyMessage(p2wpkh.address, message, smp, 'mainnet').verdict, 'valid')
    assert.equal(verifyMessage(p2wpkh.address, `${message}.`, smp, 'mainnet').verdict, 'invalid')
    // The full form of the same proof: to_sign with its witness.
    toSign.setWitness(0, [sig, k.publicKey])
    assert.equal(verifyMessage(p2wpkh.address, message, 'ful' + Buffer.from(toSign.toBuffer()).toString('base64'), 'mainnet').verdict, 'valid')

    const tr = taprootKey("m/86'/0'/0'/0/3")
    const trTx = virtualTxs(tr.output.output, message)
    const th = trTx.toSign.hashForWitnessV1(0, [tr.output.output], [0n], bitcoin.Transaction.SIGHASH_DEFAULT)
    const schnorr = ecc.signSchnorr(th, tr.d, Buffer.alloc(32, 5))
    const trSig = 'smp' + encodeWitness([schnorr]).toString('base64')
    assert.equal(verifyMessage(tr.output.address, message, trSig, 'mainnet').verdict, 'valid')
    const other = taprootKey("m/86'/0'/0'/0/4").output.address
    assert.equal(verifyMessage(other, message, trSig, 'mainnet').verdict, 'invalid')
  }
})

test('BIP-322 proof of funds: every input verifies under bitcoinjs-lib and libsecp256k1', () => {
  const message = 'these coins are mine'
  const paths = ["m/84'/0'/0'/0/0", "m/84'/0'/0'/0/4", "m/86'/0'/0'/1/2"]
  const [signer, coinA, coinB] = paths.map(p => master.derivePath(p))
  const p2wpkh = k => bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: net })
  const trCoin = taprootKey(paths[2])
  const txid = 'ab'.repeat(32)
  const { address, signature } = wallet.signProofOfFunds('p2wpkh', 0, 0, 0, message,
    [`${txid}:0`, `${txid}:1`], ['0.0015', '21'], [p2wpkh(coinA).address, trCoin.output.address], new Uint8Array(32).fill(3))
  assert.equal(address, p2wpkh(signer).address)
  assert.ok(signature.startsWith('pof'))
  assert.equal(verifyMessage(address, message, signature, 'mainnet').verdict, 'valid')
  assert.equal(verifyMessage(address, `${message}!`, signature, 'mainnet').verdict, 'invalid')

  // bitcoinjs-lib reads the PSBT: to_sign of this message, then the coins as given.
  const psbt = bitcoin.Psbt.fromBase64(signature.slice(3), { network: net })
  const { toSign } = virtualTxs(p2wpkh(signer).output, message)
  const tx = psbt.extractTransaction(true)
  assert.equal(tx.ins.length, 3)
  assert.equal(Buffer.from(tx.ins[0].hash).toString('hex'), Buffer.from(toSign.ins[0].hash).toString('hex'))
  assert.deepEqual(tx.ins.slice(1).map(i => [Buffer.from(i.hash).reverse().toString('hex'), i.index]), [[txid, 0], [txid, 1]])
  const utxos = psbt.data.inputs.map(i => i.witnessUtxo)
  assert.deepEqual(utxos.map(u => u.value), [0n, 150_000n, 2_100_000_000n])
  // The two P2WPKH inputs sign BIP-143 hashes; the taproot coin a BIP-341 key-path hash
  // over all three spent outputs.
  for (const [i, k] of [[0, signer], [1, coinA]]) {
    const [sig, pub] = tx.ins[i].witness
    assert.equal(Buffer.from(pub).toString('hex'), Buffer.from(k.publicKey).toString('hex'))
    const h = tx.hashForWitnessV0(i, bitcoin.payments.p2pkh({ pubkey: k.publicKey }).output, utxos[i].value, bitcoin.Transaction.SIGHASH_ALL)
    assert.ok(ecc.verify(h, pub, bitcoin.script.signature.decode(sig).signature), `input ${i}`)
    assert.equal(ecc.verify(h, pub, bitcoin.script.signature.decode(sig).signature.map((b, j) => j === 5 ? b ^ 1 : b)), false)
  }
  const th = tx.hashForWitnessV1(2, utxos.map(u => u.script), utxos.map(u => u.value), bitcoin.Transaction.SIGHASH_DEFAULT)
  assert.ok(ecc.verifySchnorr(th, trCoin.q, tx.ins[2].witness[0]))

  // Bad coins throw with a stable code.
  const code = fn => { try { fn(); return 'no error' } catch (e) { return e.code } }
  const other = bitcoin.payments.p2wpkh({ pubkey: master.derivePath("m/84'/0'/1'/0/0").publicKey, network: net }).address
  assert.equal(code(() => wallet.signProofOfFunds('p2wpkh', 0, 0, 0, message, [`${txid}:0`], ['0.1'], [other], new Uint8Array(32))), 'wallet.coin-not-ours')
  assert.equal(code(() => wallet.signProofOfFunds('p2wpkh', 0, 0, 0, message, [`${txid}-0`], ['0.1'], [p2wpkh(coinA).address], new Uint8Array(32))), 'wallet.bad-coin')
  assert.equal(code(() => wallet.signProofOfFunds('p2wpkh', 0, 0, 0, message, [`${txid}:0`], ['0.1 BTC'], [p2wpkh(coinA).address], new Uint8Array(32))), 'wallet.bad-coin')
})
