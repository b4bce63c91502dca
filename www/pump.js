// The pump: the only caller of the wasm core. It pushes each input (tracker text, channel
// bytes, a stored or read piece, a web-seed response, the timer), drains poll() after every
// input, does what each output asks through the transports and storage, and keeps one timer
// at the core's nextTimeout(). Everything above it (UI, streaming, kiosk) uses the Pump API
// from CORE_API.md: methods, and EventTarget events with their data in `event.detail`.

import init, { Core, version, parseTorrent, pieceHashes } from './pkg/peerpage.js'
import { TrackerSockets } from './transport/tracker-ws.js'
import { RtcPeers } from './transport/rtc.js'
import { fetchRange } from './transport/webseed.js'
import * as idb from './storage/idb.js'
import * as opfs from './storage/opfs.js'
import * as memory from './storage/memory.js'
import { createTorrent, creationOptions, fileEntries, normaliseFiles, pieceHashesOf } from './create.js'
import { Bits } from './bits.js'
import { placeFiles, wholeTorrent, firstBadPiece, filesOfPiece } from './seed-layout.js'

const PROGRESS_MS = 250 // 'progress' events: at most 4 per second per torrent
const READ_AHEAD = 8 << 20 // a read moves the stream window over this much past its start
const STREAM_CHUNK = 1 << 20

/** Our peer id: a client prefix in the Azureus style and 12 random bytes (one per session). */
function newPeerId () {
  const id = crypto.getRandomValues(new Uint8Array(20))
  const [major, minor, patch] = version().split('.').map(n => Number(n) % 10)
  id.set(new TextEncoder().encode(`-PP${major}${minor}${patch}0-`))
  return id
}

const codeOf = err => err?.code || 'pump.error'

// STUN servers as WebTorrent uses them by default; a page on loopback needs none (and may
// have no DNS). `localStorage['peerpage.iceServers']` (JSON RTCIceServer[]) overrides both.
const DEFAULT_ICE = [{ urls: ['stun:stun.l.google.com:19302', 'stun:global.stun.twilio.com:3478'] }]

function defaultRtcConfig () {
  try {
    const saved = localStorage.getItem('peerpage.iceServers')
    if (saved) return { iceServers: JSON.parse(saved) }
  } catch {}
  return { iceServers: /^(127\.|localhost$|\[::1\]$)/.test(location.hostname) ? [] : DEFAULT_ICE }
}

/**
 * Whether this page may restore its role's saved torrents: only one tab of the origin does,
 * since those tabs share the saved list and a torrent's piece file can be open in one tab
 * only. The lock is held for the page's life; a reloading page waits briefly for its
 * predecessor's. Another role's tab (the kiosk beside the main page) has a list and lock of
 * its own.
 */
function claimSavedTorrents (role) {
  if (!navigator.locks) return Promise.resolve(true)
  const name = role === 'main' ? 'peerpage-saved-torrents' : `peerpage-saved-torrents-${role}`
  return new Promise(resolve => {
    navigator.locks.request(name, { signal: AbortSignal.timeout(1000) }, () => {
      resolve(true)
      return new Promise(() => {})
    }).catch(() => resolve(false))
  })
}

/**
 * Announces every Pump as it starts, before it restores saved torrents ('pump' event, the
 * pump in `detail`): lets tools and tests watch a page's pump from its first event.
 */
export const pumps = new EventTarget()

// A file by the core's index, which counts hidden BEP 47 pad files: it is not the position
// in `info.files`.
const fileOf = (info, fileIndex) => info.files.find(f => f.index === fileIndex)

export class Pump extends EventTarget {
  /**
   * Starts the core and restores saved torrents. Options: `trackers` (default tracker URLs),
   * `storage` (open(infoHash, length, pieceCount) -> store; default www/storage/opfs.js, or
   * memory.js where OPFS is missing), `role` (whose saved torrents this page keeps and
   * restores: 'main', the default, or 'kiosk'), `db` (the torrent list, default the role's in
   * www/storage/idb.js; null keeps nothing), `rtcConfig` (RTCConfiguration; default: no ICE
   * servers on loopback, else public STUN), `restore` (default true).
   */
  static async start ({ trackers = [], storage = opfs.available() ? opfs : memory, role = 'main', db = idb.torrentList(role), rtcConfig = defaultRtcConfig(), restore = true } = {}) {
    await init()
    const pump = new Pump({ trackers, storage, db, rtcConfig, role })
    pumps.dispatchEvent(new CustomEvent('pump', { detail: pump }))
    if (restore && db) {
      if (await claimSavedTorrents(role)) await pump.#restore()
      else console.info('peerpage: another tab has the saved torrents; this one starts empty')
    }
    return pump
  }

  #core
  #storage
  #db
  #role
  #trackerUrls
  #trackers
  #rtc
  #torrents = new Map() // id -> torrent state (see #track)
  #ids = new Map() // info hash (hex) -> id
  #draining = false
  #timer = null
  #timerAt

  constructor ({ trackers, storage, db, rtcConfig, role = 'main' }) {
    super()
    this.#role = role
    this.#storage = storage
    /** 'opfs', 'memory' or another storage's kind. */
    this.storageKind = storage.kind || 'custom'
    this.#db = db
    this.#trackerUrls = [...trackers]
    const seed = crypto.getRandomValues(new Uint8Array(8))
    this.peerId = newPeerId()
    this.#core = new Core(this.peerId, seed, globalThis.isSecureContext && location.protocol === 'https:')
    this.#core.setDefaultTrackers(this.#trackerUrls)
    this.#trackers = new TrackerSockets({
      opened: url => this.#input(c => c.trackerOpened(url, now())),
      closed: url => this.#input(c => c.trackerClosed(url, now())),
      message: (url, text) => this.#input(c => c.trackerMessage(url, text, now()))
    })
    this.#rtc = new RtcPeers(rtcConfig, {
      sdp: (conn, sdp) => this.#input(c => c.connSdp(conn, sdp, now())),
      failed: conn => this.#input(c => c.connFailed(conn, now())),
      open: conn => {
        // rtc.js maps the peer handle to its channel only once this returns, so the outputs
        // (our handshake first) are drained just after.
        queueMicrotask(() => this.#drain())
        try {
          return this.#core.connOpen(conn, now())
        } catch {
          return undefined // over budget or unknown: rtc.js closes it
        }
      },
      data: (peer, bytes) => this.#input(c => c.peerData(peer, bytes, now())),
      closed: peer => this.#input(c => c.peerClosed(peer, now())),
      drained: peer => this.#input(c => c.peerDrained(peer, now()))
    })
  }

  // ---- the loop -------------------------------------------------------------------------

  /**
   * Runs one input and drains the outputs. Transport inputs for ids the core has already
   * forgotten (a late message from a closed peer) fail harmlessly: they are ignored unless
   * `quiet` is false, in which case the error is thrown to the caller.
   */
  #input (fn, { quiet = true } = {}) {
    try {
      return fn(this.#core)
    } catch (err) {
      if (!quiet) throw err
      if (!/unknown/.test(codeOf(err))) console.warn('peerpage core:', codeOf(err), err.message)
    } finally {
      this.#drain()
    }
  }

  #drain () {
    if (this.#draining) return // an input pushed while dispatching: the outer loop drains it
    this.#draining = true
    try {
      for (let out = this.#core.poll(); out !== undefined; out = this.#core.poll()) {
        try {
          this.#dispatch(out)
        } catch (err) {
          console.error('peerpage pump: output', out.type, err)
        }
      }
    } finally {
      this.#draining = false
    }
    this.#armTimer()
  }

  #armTimer () {
    const at = this.#core.nextTimeout()
    if (at === this.#timerAt) return
    clearTimeout(this.#timer)
    this.#timerAt = at
    if (at === undefined) return
    this.#timer = setTimeout(() => {
      this.#timerAt = undefined
      this.#input(c => c.timeout(now()))
    }, Math.max(0, at - now()))
  }

  #dispatch (out) {
    switch (out.type) {
      case 'send': return this.#rtc.send(out.peer, out.bytes)
      case 'close-peer': return this.#rtc.closePeer(out.peer)
      case 'tracker-connect': return this.#trackers.connect(out.url)
      case 'tracker-close': return this.#trackers.close(out.url)
      case 'tracker-send': return this.#trackers.send(out.url, out.text)
      case 'create-offer': return this.#rtc.createOffer(out.conn)
      case 'accept-offer': return this.#rtc.acceptOffer(out.conn, out.sdp)
      case 'apply-answer': return this.#rtc.applyAnswer(out.conn, out.sdp)
      case 'drop-conn': return this.#rtc.drop(out.conn)
      case 'store-piece': return this.#storePiece(out.torrent, out.piece, out.data)
      case 'read-piece': return this.#readPiece(out.torrent, out.piece)
      case 'http-get': return this.#httpGet(out)
      case 'metadata': return this.#onMetadata(out.torrent)
      case 'verified': return this.#progress(out.torrent)
      case 'peer-count': return this.#progress(out.torrent)
      case 'hash-failed': return this.#emit('hash-failed', { id: out.torrent, piece: out.piece })
      case 'banned': return this.#emit('banned', { id: out.torrent, peerId: out.peerId })
      case 'complete':
        this.#progress(out.torrent, true)
        this.#save(out.torrent)
        return this.#emit('complete', { id: out.torrent })
      default:
        console.warn('peerpage pump: unknown output', out.type)
    }
  }

  #emit (type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  #progress (id, now = false) {
    const t = this.#torrents.get(id)
    if (!t) return
    const wait = t.lastProgress + PROGRESS_MS - performance.now()
    if (now || wait <= 0) {
      clearTimeout(t.progressTimer)
      t.progressTimer = null
      t.lastProgress = performance.now()
      this.#emit('progress', { id })
    } else if (!t.progressTimer) {
      t.progressTimer = setTimeout(() => {
        t.progressTimer = null
        if (!t.removed) this.#progress(id, true)
      }, wait)
    }
  }

  // ---- torrents and their storage -------------------------------------------------------

  /**
   * Starts tracking a torrent the core just added (`store`: its storage, if already open;
   * `checking`: the core holds its requests until storage is checked, see #check).
   */
  #track (id, { seeding = false, paused = false, addedAt = Date.now(), store = null, checking = false } = {}) {
    const t = {
      id,
      infoHash: this.#core.info(id).infoHash,
      info: null, // core.info(id), cached once the metadata is known
      store: null, // Promise<store> once the metadata is known
      stored: null, // Bits of pieces whose bytes are on disk
      waiters: new Set(), // readRange calls waiting for pieces
      metadataWaiters: [],
      seeding,
      paused,
      addedAt,
      copying: null, // Promise while a new seed's files are copied into storage
      writing: new Map(), // piece -> Promise of its write in flight
      saving: false,
      dirty: false,
      lastProgress: 0,
      progressTimer: null,
      checking,
      removed: false
    }
    this.#torrents.set(id, t)
    this.#ids.set(t.infoHash, id)
    if (this.#core.info(id).hasMetadata) {
      this.#openStore(t, store)
      if (checking) this.#check(t)
    }
    return t
  }

  /**
   * A torrent added again over data storage kept (removed without deleting it, or added in
   * another page role): hashes the pieces its file holds, in the storage worker, and tells
   * the core which match, so no piece on disk is fetched again. The core asked for nothing
   * meanwhile (startCheck at add). A fresh file (the usual case) takes one storage round trip.
   */
  async #check (t) {
    let found = null
    let store = null
    try {
      store = await t.store
      if (!store.fresh && store.check) {
        const hashes = pieceHashes(this.#core.torrentFile(t.id))
        // v2-only torrents have no SHA-1 piece hashes to check against: fetch everything.
        if (hashes.length === t.info.pieceCount * 20) {
          found = await store.check(t.info.pieceLength, hashes, store.resume?.stored ?? null)
        }
      }
    } catch (err) {
      if (!t.removed) this.#emit('error', { id: t.id, code: codeOf(err), message: `could not check the data on disk, fetching it again: ${err.message}` })
    }
    if (t.removed) return
    found ??= new Uint8Array(t.stored.bytes.length)
    // On disk before the core hears of it: peers may ask for these pieces at once.
    t.stored.bytes.set(found.subarray(0, t.stored.bytes.length))
    t.checking = false
    this.#input(c => c.piecesChecked(t.id, found, now()))
    if (store?.check) {
      store.saveResume(this.#core.resumeSnapshot(t.id), t.stored.bytes.slice()).catch(() => {})
      t.snapshotStored = true
    }
    for (let p = 0; p < t.stored.count; p++) if (t.stored.has(p)) wakeReaders(t, p)
    this.#progress(t.id, true)
    this.#emit('checked', { id: t.id, pieces: t.stored.cardinality() })
  }

  #openStore (t, opened = null) {
    if (t.store) return t.store
    t.info = this.#core.info(t.id)
    t.stored ??= new Bits(t.info.pieceCount)
    const { infoHash, length, pieceCount } = t.info
    t.store = opened
      ? Promise.resolve(opened)
      : this.#storage.open(infoHash, length, pieceCount).catch(err => {
        // Another tab of this page holds the torrent's file (normal: pieces stay in memory
        // here), or storage failed (worth saying).
        if (err.code === 'NoModificationAllowedError') console.info(`peerpage: ${infoHash} is open in another tab; its pieces stay in memory here`)
        else this.#emit('error', { id: t.id, code: codeOf(err), message: `storage failed, pieces are kept in memory: ${err.message}` })
        return memory.open(infoHash, length, pieceCount)
      })
    for (const resolve of t.metadataWaiters.splice(0)) resolve()
    return t.store
  }

  #onMetadata (id) {
    const t = this.#torrents.get(id)
    if (!t) return
    this.#openStore(t)
    if (t.checking) this.#check(t)
    this.#save(id)
    this.#emit('metadata', { id })
  }

  #pieceSpan (t, piece) {
    const offset = piece * t.info.pieceLength
    return { offset, length: Math.min(t.info.pieceLength, t.info.length - offset) }
  }

  #storePiece (id, piece, data) {
    const t = this.#torrents.get(id)
    if (!t) return
    const store = this.#openStore(t)
    const { offset } = this.#pieceSpan(t, piece)
    // Storage records this piece right after its bytes. The core's snapshot (metadata,
    // trackers) goes with the first piece of this session only: on restore storage's own
    // bitfield says which pieces are verified, so a stale snapshot is fine.
    const snapshot = t.snapshotStored ? undefined : this.#core.resumeSnapshot(id)
    t.snapshotStored = true
    const write = store
      .then(store => store.writePiece(piece, offset, data, snapshot))
      .then(() => t.stored.set(piece))
      .finally(() => t.writing.delete(piece))
    t.writing.set(piece, write.catch(() => {}))
    write.then(() => {
      if (t.removed) return
      wakeReaders(t, piece)
      this.#emit('stored', { id, piece })
    }, err => {
      if (t.removed) return
      // The piece is lost: the core fetches it again.
      this.#input(c => c.pieceMissing(id, piece, now()))
      this.#emit('error', { id, code: codeOf(err), message: `could not store piece ${piece}: ${err.message}` })
    })
  }

  #readPiece (id, piece) {
    const t = this.#torrents.get(id)
    if (!t || !t.store) return this.#input(c => c.pieceMissing(id, piece, now()))
    const { offset, length } = this.#pieceSpan(t, piece)
    // A piece just verified may be asked for by a peer before its write has finished.
    Promise.all([t.copying, t.writing.get(piece)])
      .then(() => {
        if (!t.stored.has(piece)) throw Object.assign(new Error('not on disk'), { code: 'storage.missing' })
        return t.store
      })
      .then(store => store.read(offset, length))
      .then(bytes => this.#input(c => c.pieceRead(id, piece, bytes, now())),
        () => this.#input(c => c.pieceMissing(id, piece, now())))
  }

  #httpGet ({ torrent, request, url, start, end }) {
    fetchRange(url, start, end).then(({ status, body }) => {
      if (this.#torrents.has(torrent)) this.#input(c => c.httpResponse(torrent, request, status, body, now()))
    })
  }

  // ---- resume ---------------------------------------------------------------------------

  /**
   * Saves the torrent's record in the list (IndexedDB) now, and again when something changed
   * while a save was in flight. Which pieces are on disk is saved by storage with each piece
   * (see storage/opfs.js); this record's snapshot is only the fallback.
   */
  #save (id) {
    const t = this.#torrents.get(id)
    if (!t || !this.#db) return
    t.dirty = true
    if (t.saving) return
    t.saving = true
    const run = async () => {
      while (t.dirty && !t.removed) {
        t.dirty = false
        try {
          await this.#db.put(this.#record(t))
        } catch (err) {
          console.warn('peerpage: could not save resume data', err)
        }
      }
      t.saving = false
    }
    run()
  }

  #record (t) {
    const info = this.#core.info(t.id)
    return {
      infoHash: info.infoHash,
      name: info.name,
      magnet: info.magnet,
      length: info.hasMetadata ? info.length : null,
      pieceCount: info.hasMetadata ? info.pieceCount : null,
      snapshot: this.#core.resumeSnapshot(t.id),
      seeding: t.seeding,
      paused: t.paused,
      addedAt: t.addedAt
    }
  }

  async #restore () {
    let records
    try {
      records = await this.#db.list()
    } catch (err) {
      console.warn('peerpage: no saved torrents (IndexedDB failed)', err)
      return
    }
    for (const rec of records) {
      try {
        await this.#restoreOne(rec)
      } catch (err) {
        console.warn('peerpage: could not restore a saved torrent', rec.name, err)
      }
    }
  }

  async #restoreOne (rec) {
    // Storage holds the newest snapshot (saved with each piece) and which pieces are on disk.
    let store = null
    if (rec.length != null) {
      store = await this.#storage.open(rec.infoHash, rec.length, rec.pieceCount).catch(() => null)
    }
    // The core counts as verified exactly the pieces on disk: none when storage kept no record.
    const snapshot = store?.resume?.snapshot ?? rec.snapshot
    const onDisk = store?.resume?.stored ?? new Uint8Array(Math.ceil((rec.pieceCount ?? 0) / 8))
    // A magnet saved before its metadata came is checked once it comes, as when it was added
    // (its file may hold data kept from an earlier download).
    const checking = rec.length == null && !!this.#storage.persistent
    const held = id => {
      if (checking) this.#core.startCheck(id)
      return id
    }
    let id
    try {
      id = this.#input(c => held(c.addResume(snapshot, now(), onDisk)), { quiet: false })
    } catch (err) {
      // A magnet saved before its metadata came: join again by its link.
      try {
        id = this.#input(c => held(c.addMagnet(rec.magnet, now())), { quiet: false })
      } catch {
        this.#db.remove(rec.infoHash).catch(() => {})
        throw err
      }
    }
    const t = this.#track(id, { ...rec, store, checking })
    if (t.info) t.stored.bytes.set(onDisk.subarray(0, t.stored.bytes.length))
    if (rec.paused) this.#input(c => c.pause(id, now()))
    this.#save(id)
    this.#emit('added', { id, restored: true })
  }

  // ---- the Pump API ---------------------------------------------------------------------

  #need (id) {
    const t = this.#torrents.get(id)
    if (!t) throw Object.assign(new Error(`no torrent ${id}`), { code: 'pump.unknown-torrent' })
    return t
  }

  /**
   * Adds with `add(core)`, holding the torrent's requests until storage is checked (#check)
   * where storage outlives the page; returns its id.
   */
  #add (add) {
    const checking = !!this.#storage.persistent
    const id = this.#input(c => {
      const id = add(c)
      if (checking) c.startCheck(id)
      return id
    }, { quiet: false })
    return this.#added(id, { checking })
  }

  #added (id, options) {
    this.#track(id, options)
    this.#save(id)
    this.#emit('added', { id })
    return id
  }

  /** Adds a torrent from .torrent bytes; returns its id. */
  addTorrentFile (bytes) {
    return this.#add(c => c.addTorrent(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), now()))
  }

  /** Joins a swarm by magnet link; returns its id. */
  addMagnet (link) {
    return this.#add(c => c.addMagnet(link, now()))
  }

  /**
   * Seeds local files: a FileList / File[] (a folder pick's webkitRelativePath is kept) or
   * [{path: string | string[], file}]. Copies them into storage so the torrent survives a
   * reload, and adds it as a seed. `options.torrent`: a .torrent of these files made
   * elsewhere, with or without BEP 47 pad files (matched by path, see seed-layout.js; pads are
   * zeros we write), whose every piece is checked against the files first (then the same
   * torrent being downloaded here is replaced by the seed); else they are sorted and hashed
   * here with create.js (one worker per core), with `options` {name, comment, webSeeds}.
   * `options.onProgress(done, total)`: bytes hashed. Resolves to the id.
   */
  async seedFiles (files, options = {}) {
    let { torrent } = options
    let list
    if (torrent) list = fileEntries(files)
    else {
      let name
      ({ name, files: list } = normaliseFiles(files, options.name))
      if (!list.length) throw Object.assign(new Error('no files to seed'), { code: 'pump.no-files' })
      torrent = (await createTorrent(list, creationOptions({
        name, trackers: this.#trackerUrls, webSeeds: options.webSeeds, comment: options.comment
      }), options.onProgress)).torrent
    }
    const view = parseTorrent(torrent)
    const layout = placeFiles({ name: view.name, length: view.totalLength, files: view.files }, list)
    if (options.torrent) {
      await checkPieces(torrent, view, layout, options.onProgress)
      const downloading = this.idOf(view.infoHash)
      if (downloading !== undefined) await this.remove(downloading)
    }
    const id = this.#input(c => c.addSeed(torrent, now()), { quiet: false })
    const t = this.#track(id, { seeding: true })
    t.copying = this.#copyIn(t, layout)
    t.copying.then(async () => {
      t.copying = null
      await (await t.store).saveResume(this.#core.resumeSnapshot(id), t.stored.bytes.slice())
      if (this.#db && !t.removed) await this.#db.put(this.#record(t))
      // The files are on disk and the torrent is in the list: the seed survives a reload.
      this.#emit('seeding', { id })
    }, err => this.#emit('error', { id, code: codeOf(err), message: `could not copy the files to storage: ${err.message}` }))
    this.#emit('added', { id })
    this.#progress(id, true)
    return id
  }

  // Each file at its offset, and zeros where BEP 47 pad files are (storage may hold old bytes).
  async #copyIn (t, { files, gaps }) {
    const store = await t.store
    for (const { file, offset } of files) {
      for (let at = 0; at < file.size; at += STREAM_CHUNK) {
        const chunk = new Uint8Array(await file.slice(at, Math.min(at + STREAM_CHUNK, file.size)).arrayBuffer())
        await store.write(offset + at, chunk)
      }
    }
    for (const { offset, length } of gaps) {
      for (let at = 0; at < length; at += STREAM_CHUNK) await store.write(offset + at, new Uint8Array(Math.min(STREAM_CHUNK, length - at)))
    }
    t.stored.fill()
    // A read that came while copying (a new seed played or saved at once) waits no more.
    wakeReaders(t)
  }

  /**
   * Removes a torrent; `deleteData` also deletes its pieces from storage, unless another page
   * role (the kiosk beside the main page) still lists the torrent: they share its file.
   */
  async remove (id, { deleteData = false } = {}) {
    const t = this.#need(id)
    const info = t.info || this.#core.info(id)
    t.removed = true
    this.#torrents.delete(id)
    this.#ids.delete(t.infoHash)
    clearTimeout(t.progressTimer)
    this.#input(c => c.removeTorrent(id, now()))
    const gone = Object.assign(new Error('torrent removed'), { code: 'pump.removed' })
    for (const w of t.waiters) w.reject(gone)
    if (this.#db) await this.#db.remove(info.infoHash).catch(() => {})
    if (t.store) {
      const store = await t.store.catch(() => null)
      if (deleteData && this.#storage.persistent && (await idb.otherRolesHolding(info.infoHash, this.#role).catch(() => [])).length) deleteData = false
      await (deleteData ? store?.delete() : store?.close())?.catch(() => {})
    }
    this.#emit('removed', { id })
  }

  pause (id) {
    const t = this.#need(id)
    this.#input(c => c.pause(id, now()), { quiet: false })
    t.paused = true
    this.#save(id)
    this.#progress(id, true)
  }

  resume (id) {
    const t = this.#need(id)
    this.#input(c => c.resume(id, now()), { quiet: false })
    t.paused = false
    this.#save(id)
    this.#progress(id, true)
  }

  list () {
    // torrentIds() is a Uint32Array, whose map() would make numbers of these records.
    return Array.from(this.#core.torrentIds(), id => ({ id, info: this.#core.info(id), stats: this.#core.stats(id) }))
  }

  /** The id of the torrent with this info hash (hex), or undefined. */
  idOf (infoHash) { return this.#ids.get(infoHash) }
  info (id) { return this.#core.info(id) }
  stats (id) { return this.#core.stats(id) }
  peers (id) { return this.#core.peers(id) }
  trackers (id) { return this.#core.trackers(id) }
  pieceMap (id) { return this.#core.pieceMap(id) }
  torrentFile (id) { return this.#core.torrentFile(id) }

  setFilePriority (id, file, priority) {
    this.#input(c => c.setFilePriority(id, file, priority), { quiet: false })
  }

  setRateLimits (down, up) {
    this.#input(c => c.setRateLimits(down, up), { quiet: false })
  }

  setTorrentRateLimits (id, down, up) {
    this.#input(c => c.setTorrentRateLimits(id, down, up), { quiet: false })
  }

  /** Resolves once the torrent's metadata is known (at once for a .torrent). */
  whenMetadata (id) {
    const t = this.#need(id)
    if (t.store) return Promise.resolve()
    return new Promise(resolve => t.metadataWaiters.push(resolve))
  }

  /**
   * Bytes [start, end) of a file, once the pieces holding them are verified and on disk.
   * Options: `window` (default true): if some are missing, the core is first told to fetch
   * this part of the torrent first; false waits for them without moving the stream window.
   * `partial`: the read may end early so it waits for one piece at most: at the end of the
   * piece holding `start`, or past it over the pieces already on disk (a player then gets
   * what it needs first as soon as it exists, and long reads where they do).
   */
  async readRange (id, fileIndex, start, end, { window = true, partial = false } = {}) {
    const t = this.#need(id)
    await this.whenMetadata(id)
    const file = fileOf(t.info, fileIndex)
    if (!file) throw Object.assign(new Error(`no file ${fileIndex}`), { code: 'pump.unknown-file' })
    end = Math.min(end, file.length)
    if (!(start >= 0) || start >= end) return new Uint8Array(0)
    const from = file.offset + start
    let to = file.offset + end
    const pl = t.info.pieceLength
    const first = Math.floor(from / pl)
    if (partial) {
      let last = first
      while ((last + 1) * pl < to && t.stored.has(last + 1)) last++
      to = Math.min(to, (last + 1) * pl)
    }
    const missing = new Set()
    for (let p = first; p <= Math.floor((to - 1) / pl); p++) if (!t.stored.has(p)) missing.add(p)
    if (missing.size) {
      if (window) {
        const length = Math.min(Math.max(to - from, READ_AHEAD), file.offset + file.length - from)
        this.#input(c => c.setStreamWindow(id, from, length), { quiet: false })
      }
      await new Promise((resolve, reject) => t.waiters.add({ missing, resolve, reject }))
    }
    await t.copying
    return (await t.store).read(from, to - from)
  }

  /** A ReadableStream of a whole file (for saving), read piece by piece as it arrives. */
  fileStream (id, fileIndex) {
    let at = 0
    return new ReadableStream({
      pull: async controller => {
        await this.whenMetadata(id)
        const length = fileOf(this.#need(id).info, fileIndex)?.length ?? 0
        if (at >= length) return controller.close()
        const end = Math.min(at + STREAM_CHUNK, length)
        controller.enqueue(await this.readRange(id, fileIndex, at, end))
        at = end
        if (at >= length) controller.close()
      }
    }, { highWaterMark: 2 })
  }

  /** Stops everything (tests, or leaving the page): sockets and connections close. */
  close () {
    clearTimeout(this.#timer)
    this.#trackers.closeAll()
    this.#rtc.closeAll()
  }
}

function now () {
  return performance.now()
}

/** readRange calls of torrent `t` waiting for `piece` (or for every piece) now on disk go on. */
function wakeReaders (t, piece) {
  for (const w of t.waiters) {
    if (piece === undefined) w.missing.clear()
    else w.missing.delete(piece)
    if (!w.missing.size) {
      t.waiters.delete(w)
      w.resolve()
    }
  }
}

/**
 * Files made into a torrent elsewhere may not be its files (another version, a damaged copy):
 * a seed that served them would be banned by every peer. Hashes them (with the pads) in
 * workers and throws pump.files-mismatch naming the files of the first piece that differs.
 */
async function checkPieces (torrent, view, layout, onProgress) {
  const want = pieceHashes(torrent)
  if (want.length !== view.pieceCount * 20) {
    throw Object.assign(new Error('only a torrent with v1 piece hashes can be seeded from files'), { code: 'pump.unsupported' })
  }
  const bad = firstBadPiece(want, await pieceHashesOf(wholeTorrent(layout), view.pieceLength, onProgress))
  if (bad < 0) return
  const names = filesOfPiece(view, bad).map(f => f.path).join(', ') || 'a pad file'
  throw Object.assign(new Error(`piece ${bad} differs from the torrent's (in ${names}): these are not its files`), { code: 'pump.files-mismatch' })
}
