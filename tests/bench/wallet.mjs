// Wallet benchmarks: secp256k1 ECDSA and BIP-340 Schnorr signing and verifying in peerpage's
// wasm (k256) against libsecp256k1 compiled to wasm (npm tiny-secp256k1) and pure-JS
// @noble/secp256k1, call for call; and signing plus finalizing a 100-input P2WPKH PSBT
// against bitcoinjs-lib. Runs in Node and (the curve rows) in Chromium.

import { race } from './workloads.mjs'

const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (seed * 131 + i * 29 + 7) & 0xff)
const hex = b => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
const same = (a, b, what) => { if (hex(a) !== hex(b)) throw new Error(`${what}: results differ`) }

/**
 * Bitcoin Core's low-R grinding on any RFC 6979 signer: retry with LE32(counter) in 32 bytes
 * of extra entropy until r < 2^255. `sign(digest, extra)` returns a 64-byte compact signature.
 */
function lowR (sign, digest) {
  let sig = sign(digest, undefined)
  for (let counter = 1; sig[0] >= 0x80; counter++) {
    const extra = new Uint8Array(32)
    new DataView(extra.buffer).setUint32(0, counter, true)
    sig = sign(digest, extra)
  }
  return sig
}

/**
 * `pp`: peerpage's wasm module (initialised); `tiny`, `noble`: the references. Each row times
 * the same operation on every side, from the same bytes in to the same bytes out: ECDSA sign
 * is one plain RFC 6979 signature (libsecp256k1's `secp256k1_ecdsa_sign`; no public key, no
 * verification after signing, on any side); the low-R row is what the wallet does by default
 * (Core's grinding), done for the references by the same loop over their extra-entropy
 * argument, over 16 digests so about half of them take a second nonce; Schnorr sign includes
 * deriving the public key (BIP-340 needs it; libsecp256k1 does it in `keypair_create`);
 * every verify parses its public key (a compressed point or an x-only key: a square root).
 */
export async function curveRows (env, { pp, tiny, noble }) {
  const secret = bytes(32, 1)
  const digest = bytes(32, 2)
  const aux = new Uint8Array(32)
  const pub = tiny.pointFromScalar(secret, true)
  const xonly = pub.slice(1)
  // Check before timing: RFC 6979 and BIP-340 are deterministic, so all three must agree.
  const ecdsa = pp.benchEcdsaSign(secret, digest, false)
  same(ecdsa, tiny.sign(digest, secret), 'ECDSA sign (tiny-secp256k1)')
  same(ecdsa, noble.sign(digest, secret, { prehash: false }), 'ECDSA sign (noble)')
  const schnorr = pp.benchSchnorrSign(secret, digest, aux)
  same(schnorr, tiny.signSchnorr(digest, secret, aux), 'Schnorr sign (tiny-secp256k1)')
  same(schnorr, noble.schnorr.sign(digest, secret, aux), 'Schnorr sign (noble)')
  const digests = Array.from({ length: 16 }, (_, i) => bytes(32, 100 + i))
  const grind = {
    peerpage: d => pp.benchEcdsaSign(secret, d, true),
    tiny: d => lowR((d, e) => tiny.sign(d, secret, e), d),
    noble: d => lowR((d, e) => noble.sign(d, secret, { prehash: false, extraEntropy: e }), d)
  }
  let retried = 0
  for (const d of digests) {
    const ours = grind.peerpage(d)
    if (ours[0] >= 0x80) throw new Error('peerpage: high R with grinding')
    same(ours, grind.tiny(d), 'ECDSA low-R sign (tiny-secp256k1)')
    same(ours, grind.noble(d), 'ECDSA low-R sign (noble)')
    if (hex(ours) !== hex(pp.benchEcdsaSign(secret, d, false))) retried++
  }
  if (retried === 0) throw new Error('no digest needed a second nonce: the low-R row would not grind')
  let next = 0
  const cycle = sign => () => sign(digests[next++ & 15])
  if (!pp.benchEcdsaVerify(pub, digest, ecdsa) || !pp.benchSchnorrVerify(xonly, digest, schnorr)) throw new Error('peerpage does not verify')
  if (!tiny.verify(digest, pub, ecdsa) || !noble.verify(ecdsa, digest, pub, { prehash: false })) throw new Error('references do not verify')

  const ops = {
    'ECDSA sign, plain RFC 6979 (one nonce)': {
      peerpage: () => pp.benchEcdsaSign(secret, digest, false),
      tiny: () => tiny.sign(digest, secret),
      noble: () => noble.sign(digest, secret, { prehash: false })
    },
    [`ECDSA sign, low R as Bitcoin Core (the wallet's default; ${retried} of 16 digests take a second nonce)`]: {
      peerpage: cycle(grind.peerpage),
      tiny: cycle(grind.tiny),
      noble: cycle(grind.noble)
    },
    'ECDSA verify': {
      peerpage: () => pp.benchEcdsaVerify(pub, digest, ecdsa),
      tiny: () => tiny.verify(digest, pub, ecdsa),
      noble: () => noble.verify(ecdsa, digest, pub, { prehash: false })
    },
    'Schnorr sign, deriving the public key (BIP-340 needs it)': {
      peerpage: () => pp.benchSchnorrSign(secret, digest, aux),
      tiny: () => tiny.signSchnorr(digest, secret, aux),
      noble: () => noble.schnorr.sign(digest, secret, aux)
    },
    'Schnorr verify': {
      peerpage: () => pp.benchSchnorrVerify(xonly, digest, schnorr),
      tiny: () => tiny.verifySchnorr(digest, xonly, schnorr),
      noble: () => noble.schnorr.verify(schnorr, digest, xonly)
    }
  }
  const rows = []
  for (const [what, fns] of Object.entries(ops)) {
    // race() reports (units per call × calls) / s; one unit per call gives operations/s.
    const r = await race(fns, 1e6, { rounds: 7, minMs: 150 })
    rows.push({ what: `${what} (${env})`, ours: r.peerpage, ref: r.tiny, refName: 'tiny-secp256k1', unit: 'op/s' })
    rows.push({ what: `${what} (${env})`, ours: r.peerpage, ref: r.noble, refName: '@noble/secp256k1', unit: 'op/s' })
  }
  return rows
}

/** Signing and finalizing a 100-input P2WPKH PSBT (100 keys of one BIP-84 account). */
export async function psbtRows (env, { pp, bitcoin, ecc, bip32, bip39 }) {
  const phrase = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
  const master = bip32.fromSeed(bip39.mnemonicToSeedSync(phrase))
  const net = bitcoin.networks.bitcoin
  const psbt = new bitcoin.Psbt({ network: net })
  for (let i = 0; i < 100; i++) {
    const path = `m/84'/0'/0'/0/${i}`
    const key = master.derivePath(path)
    const script = bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: net }).output
    psbt.addInput({ hash: bytes(32, i), index: i, witnessUtxo: { script, value: 10_000n },
      bip32Derivation: [{ masterFingerprint: master.fingerprint, path, pubkey: key.publicKey }] })
  }
  psbt.addOutput({ address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', value: 990_000n })
  const unsigned = psbt.toBuffer()
  const wallet = pp.Wallet.fromMnemonic(phrase, '', 'mainnet')
  const zero = new Uint8Array(32)
  const ours = () => pp.finalizePsbt(wallet.signPsbt(unsigned, zero, false).psbt).txHex
  const bitcoinjsSigned = () => bitcoin.Psbt.fromBuffer(unsigned, { network: net }).signAllInputsHD(master)
  const theirs = () => bitcoinjsSigned().finalizeAllInputs().extractTransaction().toHex()
  // peerpage's finalize verifies every signature before building witnesses; bitcoinjs's
  // finalizeAllInputs does not, so the like-for-like reference validates them first, as a
  // careful bitcoinjs wallet does.
  const verify = (pubkey, hash, signature) => ecc.verify(hash, pubkey, signature)
  const theirsChecked = () => {
    const p = bitcoinjsSigned()
    if (!p.validateSignaturesOfAllInputs(verify)) throw new Error('bitcoinjs-lib rejected its own signatures')
    return p.finalizeAllInputs().extractTransaction().toHex()
  }
  if (ours() !== theirs() || ours() !== theirsChecked()) throw new Error('100-input PSBT: transactions differ')
  const r = await race({ bitcoinjs: theirs, bitcoinjsChecked: theirsChecked, peerpage: ours }, 1e6, { rounds: 5, minMs: 300 })
  const ms = rate => (1000 / rate).toFixed(0)
  wallet.free()
  return [
    { what: `sign + verify + finalize a 100-input P2WPKH PSBT (${env}; ${ms(r.bitcoinjsChecked)} ms vs ${ms(r.peerpage)} ms)`, ours: r.peerpage, ref: r.bitcoinjsChecked, refName: 'bitcoinjs-lib signAllInputsHD, validateSignaturesOfAllInputs, finalizeAllInputs', unit: 'PSBT/s' },
    { what: `the same, bitcoinjs not verifying (${env}; ${ms(r.bitcoinjs)} ms vs ${ms(r.peerpage)} ms)`, ours: r.peerpage, ref: r.bitcoinjs, refName: 'bitcoinjs-lib signAllInputsHD, finalizeAllInputs', unit: 'PSBT/s' }
  ]
}
