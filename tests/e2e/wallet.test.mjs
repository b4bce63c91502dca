// The Wallet tab in a real browser: import the BIP-84 test phrase and see BIP-84's first
// address (and its QR code, read back by jsQR); seal it into the IndexedDB vault, lock,
// refuse a wrong passphrase, unlock; sign a message; explain bad input in words. The wallet
// is its own wasm module, fetched only when the tab opens.

import { test } from 'node:test'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import * as bitcoin from 'bitcoinjs-lib'
import * as ecc from 'tiny-secp256k1'
import { BIP32Factory } from 'bip32'
import { ECPairFactory } from 'ecpair'
import * as bip39 from 'bip39'
import { openPage, decodeQrPng } from './harness.mjs'
import { useRig } from './rig.mjs'

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
// BIP-84's published vectors for this phrase (m/84'/0'/0').
const FIRST = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'
const SECOND = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g'
const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs'

let peer
const rig = useRig({
  setup: async rig => {
    peer = await rig.openPeer(`${rig.server.url}#wallet`)
    await peer.page.waitForSelector('#w-network')
  }
})

test('importing the BIP-84 phrase on mainnet shows its first address, zpub and a BIP-21 QR code', async () => {
  const { page } = peer
  await page.selectOption('#w-network', 'mainnet')
  assert.match(await page.textContent('#w-network-badge'), /MAINNET/)
  await page.fill('#w-import-text', 'abandon abandon nonsense')
  await page.click('#w-import')
  assert.match(await page.textContent('#w-setup-error'), /wallet\.bad-mnemonic/)
  await page.fill('#w-import-text', ABANDON)
  await page.click('#w-import')
  await page.fill('#w-vault-pass', 'correct horse battery')
  await page.fill('#w-vault-pass2', 'correct horse battery')
  await page.click('#w-save')
  await page.waitForSelector('#w-next-address')
  await page.waitForFunction(a => document.getElementById('w-next-address').textContent === a, FIRST)
  assert.equal(await page.textContent('#w-xpub'), ZPUB)
  assert.match(await page.textContent('#w-desc-receive'), /^wpkh\(\[73c5da0a\/84'\/0'\/0'\]xpub[1-9A-Za-z]+\/0\/\*\)#[a-z0-9]{8}$/)
  const qr = decodeQrPng(await page.locator('#w-qr').screenshot())
  assert.equal(qr, `BITCOIN:${FIRST.toUpperCase()}`)
  await page.fill('#w-amount', '0.001')
  await page.fill('#w-label', 'tip jar')
  await page.waitForFunction(() => document.getElementById('w-uri').textContent.includes('amount'))
  assert.equal(await page.textContent('#w-uri'), `bitcoin:${FIRST}?amount=0.001&label=tip%20jar`)
  assert.equal(decodeQrPng(await page.locator('#w-qr').screenshot()), `bitcoin:${FIRST}?amount=0.001&label=tip%20jar`)
  await page.fill('#w-amount', '0.000000001')
  await page.waitForFunction(() => document.getElementById('w-amount').getAttribute('aria-invalid') === 'true')
  await page.fill('#w-amount', '')
  // Marking the address used hands out the next one (the gap-limit scan).
  await page.click('#w-mark-used')
  await page.waitForFunction(a => document.getElementById('w-next-address').textContent === a, SECOND)
  assert.deepEqual(peer.errors, [])
})

test('a message signed in the page verifies there; a changed message does not', async () => {
  const { page } = peer
  for (const format of ['bip322-simple', 'bip322-full', 'bip137']) {
    await page.selectOption('#w-msg-format', format)
    await page.fill('#w-msg-text', 'peerpage e2e')
    await page.click('#w-msg-sign')
    await page.waitForFunction(() => document.getElementById('w-msg-signature').textContent.length > 0)
    const signature = await page.textContent('#w-msg-signature')
    assert.equal(await page.textContent('#w-msg-address'), FIRST)
    await page.fill('#w-ver-address', FIRST)
    await page.fill('#w-ver-text', 'peerpage e2e')
    await page.fill('#w-ver-signature', signature)
    await page.click('#w-verify')
    assert.equal(await page.getAttribute('#w-ver-result', 'data-verdict'), 'valid', format)
    await page.fill('#w-ver-text', 'peerpage e2f')
    await page.click('#w-verify')
    assert.equal(await page.getAttribute('#w-ver-result', 'data-verdict'), 'invalid', format)
  }
  await page.fill('#w-ver-address', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')
  await page.click('#w-verify')
  assert.match(await page.textContent('#w-ver-result'), /address\.wrong-network/)
})

test('a proof of funds made in the page verifies there; coins not ours or malformed are explained', async () => {
  const { page } = peer
  const txid = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b'
  await page.selectOption('#w-msg-format', 'bip322-pof')
  await page.fill('#w-msg-text', 'peerpage owns these')
  const attempt = async coins => {
    await page.evaluate(() => { document.getElementById('w-msg-signature').textContent = '' })
    await page.fill('#w-msg-coins', coins)
    await page.click('#w-msg-sign')
  }
  // Malformed outpoint, then someone else's coin: an explanation naming the coin, no proof.
  await attempt(`${txid}:0 0.001 ${SECOND}\n${txid.slice(1)}:1 0.002 ${FIRST}`)
  await page.waitForSelector('#w-message .error-text:not([hidden])')
  assert.match(await page.textContent('#w-message .error-text'), /coin 2.*wallet\.bad-coin/)
  await attempt(`${txid}:0 0.001 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq`)
  await page.waitForFunction(() => /wallet\.coin-not-ours/.test(document.querySelector('#w-message .error-text').textContent))
  assert.equal(await page.textContent('#w-msg-signature'), '')
  // Two coins of ours: the proof verifies in the page, and not for another message.
  await attempt(`${txid}:0 0.001 ${SECOND}\n${txid}:1 0.25 ${FIRST}`)
  await page.waitForFunction(() => document.getElementById('w-msg-signature').textContent.length > 0)
  const proof = await page.textContent('#w-msg-signature')
  assert.match(proof, /^pof/)
  await page.fill('#w-ver-address', FIRST)
  await page.fill('#w-ver-text', 'peerpage owns these')
  await page.fill('#w-ver-signature', proof)
  await page.click('#w-verify')
  assert.equal(await page.getAttribute('#w-ver-result', 'data-verdict'), 'valid')
  await page.fill('#w-ver-text', 'peerpage owns those')
  await page.click('#w-verify')
  assert.equal(await page.getAttribute('#w-ver-result', 'data-verdict'), 'invalid')
  await page.selectOption('#w-msg-format', 'bip322-simple')
  assert.deepEqual(peer.errors, [])
})

test('a pasted bitcoinjs PSBT is reviewed, signed, and the transaction verifies with bitcoinjs', async () => {
  const { page } = peer
  const net = bitcoin.networks.bitcoin
  const master = BIP32Factory(ecc).fromSeed(bip39.mnemonicToSeedSync(ABANDON))
  const k = master.derivePath("m/84'/0'/0'/0/0")
  const change = master.derivePath("m/84'/0'/0'/1/0")
  const ours = bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: net })
  assert.equal(ours.address, FIRST)
  const funding = new bitcoin.Transaction()
  funding.addInput(Buffer.alloc(32, 1), 0)
  funding.addOutput(ours.output, 250_000n)
  const psbt = new bitcoin.Psbt({ network: net })
  psbt.addInput({ hash: funding.getId(), index: 0, nonWitnessUtxo: funding.toBuffer(), witnessUtxo: { script: ours.output, value: 250_000n },
    bip32Derivation: [{ masterFingerprint: master.fingerprint, path: "m/84'/0'/0'/0/0", pubkey: k.publicKey }] })
  psbt.addOutput({ address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', value: 200_000n })
  psbt.addOutput({ address: bitcoin.payments.p2wpkh({ pubkey: change.publicKey, network: net }).address, value: 49_000n,
    bip32Derivation: [{ masterFingerprint: master.fingerprint, path: "m/84'/0'/0'/1/0", pubkey: change.publicKey }] })
  // Bad input first: a broken PSBT is explained and nothing is offered for signing.
  await page.fill('#w-psbt-text', psbt.toBase64().slice(0, 60))
  await page.click('#w-psbt-review')
  await page.waitForSelector('#w-psbt-error:not([hidden])')
  assert.match(await page.textContent('#w-psbt-error'), /btc\.psbt\./)
  assert.equal(await page.isVisible('#w-psbt-sign'), false)
  // The same PSBT as a binary file and as hex is read the same way.
  const dir = mkdtempSync(join(tmpdir(), 'pp-psbt-'))
  writeFileSync(join(dir, 'unsigned.psbt'), psbt.toBuffer())
  await page.setInputFiles('#w-psbt-file', join(dir, 'unsigned.psbt'))
  await page.waitForSelector('#w-psbt-sign')
  assert.equal(await page.textContent('#w-psbt-fee'), '0.00001000 BTC')
  rmSync(dir, { recursive: true, force: true })
  await page.fill('#w-psbt-text', psbt.toHex())
  await page.click('#w-psbt-review')
  await page.waitForSelector('#w-psbt-sign')
  await page.fill('#w-psbt-text', psbt.toBase64())
  await page.click('#w-psbt-review')
  await page.waitForSelector('#w-psbt-sign')
  assert.equal(await page.textContent('#w-psbt-fee'), '0.00001000 BTC')
  assert.deepEqual(await page.$$eval('#w-psbt-outputs tr', trs => trs.map(tr => tr.dataset.change)), ['false', 'true'])
  await page.uncheck('#w-psbt-grind')
  await page.click('#w-psbt-sign')
  await page.waitForSelector('#w-psbt-txhex')
  const txHex = await page.textContent('#w-psbt-txhex')
  // bitcoinjs signs the same PSBT (plain RFC 6979 as the page was told): the same bytes.
  const theirs = psbt.clone().signInput(0, ECPairFactory(ecc).fromPrivateKey(k.privateKey)).finalizeAllInputs().extractTransaction()
  assert.equal(txHex, theirs.toHex())
  // The QR code carries the PSBT shown as text.
  assert.equal(decodeQrPng(await page.locator('#w-psbt-qr').screenshot()), await page.inputValue('#w-psbt-signed'))
  // And the page's own finalized PSBT verifies under bitcoinjs.
  const signed = bitcoin.Psbt.fromBase64(await page.inputValue('#w-psbt-signed'))
  assert.equal(signed.extractTransaction().toHex(), txHex)
  const tx = bitcoin.Transaction.fromHex(txHex)
  const [sig, pub] = tx.ins[0].witness
  const hash = tx.hashForWitnessV0(0, bitcoin.payments.p2pkh({ pubkey: pub }).output, 250_000n, bitcoin.Transaction.SIGHASH_ALL)
  assert.ok(ecc.verify(hash, pub, bitcoin.script.signature.decode(sig).signature))

  // A PSBT asking for ALL|ANYONECANPAY: the review warns, signing is refused until the user
  // ticks the box, then the signature carries that type and verifies.
  const ACP = bitcoin.Transaction.SIGHASH_ALL | bitcoin.Transaction.SIGHASH_ANYONECANPAY
  const acp = psbt.clone()
  acp.updateInput(0, { sighashType: ACP })
  await page.fill('#w-psbt-text', acp.toBase64())
  await page.click('#w-psbt-review')
  await page.waitForSelector('#w-psbt-sign')
  assert.ok(await page.isVisible('#w-psbt-warnings li[data-code="non-default-sighash"]'))
  assert.equal(await page.isChecked('#w-psbt-any-sighash'), false)
  await page.click('#w-psbt-sign')
  await page.waitForSelector('#w-psbt-error:not([hidden])')
  assert.match(await page.textContent('#w-psbt-error'), /wallet\.non-default-sighash/)
  assert.equal(await page.isVisible('#w-psbt-result'), false)
  await page.check('#w-psbt-any-sighash')
  await page.click('#w-psbt-sign')
  await page.waitForSelector('#w-psbt-txhex')
  assert.equal(await page.isVisible('#w-psbt-error'), false)
  const acpTx = bitcoin.Transaction.fromHex(await page.textContent('#w-psbt-txhex'))
  const [acpSig, acpPub] = acpTx.ins[0].witness
  const decoded = bitcoin.script.signature.decode(acpSig)
  assert.equal(decoded.hashType, ACP)
  const acpHash = acpTx.hashForWitnessV0(0, bitcoin.payments.p2pkh({ pubkey: acpPub }).output, 250_000n, ACP)
  assert.ok(ecc.verify(acpHash, acpPub, decoded.signature))
  assert.deepEqual(peer.errors, [])
})

test('the vault locks, refuses a wrong passphrase and unlocks with the right one', async () => {
  const { page } = peer
  await page.click('#w-lock')
  await page.waitForSelector('#w-unlock-pass')
  assert.equal(await page.isVisible('#w-next-address'), false)
  await page.fill('#w-unlock-pass', 'wrong horse')
  await page.click('#w-unlock')
  assert.match(await page.textContent('#w-setup-error'), /wallet\.refused/)
  // A reload keeps the vault (IndexedDB) and nothing else.
  await openPage(page, `${rig.server.url}#wallet`)
  await page.waitForSelector('#w-unlock-pass')
  await page.fill('#w-unlock-pass', 'correct horse battery')
  await page.click('#w-unlock')
  await page.waitForFunction(a => document.getElementById('w-next-address')?.textContent === a, SECOND)
  const stored = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('peerpage-wallet')
    req.onsuccess = () => {
      const get = req.result.transaction('vault').objectStore('vault').get('main')
      get.onsuccess = () => resolve(new TextDecoder('latin1').decode(get.result.blob))
      get.onerror = reject
    }
  }))
  assert.ok(stored.startsWith('PPVAULT'))
  assert.equal(stored.includes('abandon'), false, 'the stored vault holds no phrase in the clear')
})

test('create shows the phrase once and asks for words back', async () => {
  const { page } = peer
  await page.click('#w-lock')
  await page.selectOption('#w-network', 'testnet')
  await page.click('#w-create')
  const words = await page.$$eval('#w-mnemonic li', lis => lis.map(li => li.textContent))
  assert.equal(words.length, 12)
  await page.click('#w-backup-done')
  assert.equal(await page.$('#w-mnemonic'), null)
  const inputs = await page.$$('#w-confirm-form input')
  for (const input of inputs) await input.fill('zoo')
  await page.click('#w-confirm')
  const wrong = words.every((w, i) => w === 'zoo')
  if (!wrong) assert.equal(await page.isVisible('#w-confirm-form .error-text'), true)
  for (const input of inputs) {
    const position = Number(await input.getAttribute('data-position'))
    await input.fill(words[position - 1])
  }
  await page.click('#w-confirm')
  await page.click('#w-skip-save')
  await page.waitForFunction(() => /^tb1q/.test(document.getElementById('w-next-address')?.textContent || ''))
  assert.deepEqual(peer.errors, [])
})

test('the torrents view fetches only the torrent wasm; the wallet module comes when the Wallet tab opens', async () => {
  const visitor = await rig.launch()
  try {
    const { page } = visitor
    const wasm = new Set()
    page.on('request', r => { if (r.url().endsWith('.wasm')) wasm.add(new URL(r.url()).pathname) })
    await openPage(page, rig.server.url)
    assert.ok(wasm.has('/pkg/peerpage_bg.wasm'))
    assert.ok(!wasm.has('/pkg/wallet_bg.wasm'), 'the torrent page does not download the wallet')
    await page.click('#tab-wallet')
    await page.waitForSelector('#w-network')
    assert.ok(wasm.has('/pkg/wallet_bg.wasm'))
    assert.deepEqual(visitor.errors, [])
  } finally {
    await visitor.close()
  }
})
