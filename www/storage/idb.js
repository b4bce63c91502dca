// The torrent list and resume records in IndexedDB, one record per torrent keyed by its info
// hash: {infoHash, snapshot (the core's resumeSnapshot), stored (bitfield of pieces whose
// bytes are on disk), magnet, paused, seeding, addedAt}. Pieces themselves live in opfs.js.
// Each page role keeps its own list (a database of its own), so the kiosk page and the main
// page of one origin each restore only the torrents they added.

const STORE = 'torrents'

/** The database of a role's list: the main page's keeps the name it always had. */
const dbName = role => role === 'main' ? 'peerpage-torrents' : `peerpage-torrents-${role}`
const roleOf = name => name === 'peerpage-torrents' ? 'main' : name.match(/^peerpage-torrents-([a-z][a-z0-9-]*)$/)?.[1]

const lists = new Map()

/**
 * The saved torrents of one page role ('main', 'kiosk'): {role, list(), get(infoHash),
 * put(record), remove(infoHash)}, the shape Pump.start's `db` takes.
 */
export function torrentList (role = 'main') {
  if (!/^[a-z][a-z0-9-]*$/.test(role)) throw Object.assign(new Error(`bad page role ${role}`), { code: 'storage.role' })
  let saved = lists.get(role)
  if (saved) return saved
  let opening = null
  const db = () => {
    opening ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(dbName(role), 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'infoHash' })
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    return opening
  }
  const run = async (mode, act) => {
    const tx = (await db()).transaction(STORE, mode, { durability: 'relaxed' })
    const req = act(tx.objectStore(STORE))
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(req?.result)
      tx.onerror = tx.onabort = () => reject(tx.error)
      // Commit now rather than when the task ends: shortens the window a reload can cut.
      tx.commit?.()
    })
  }
  saved = {
    role,
    /** Every saved torrent, oldest first. */
    list: async () => (await run('readonly', s => s.getAll())).sort((a, b) => (a.addedAt || 0) - (b.addedAt || 0)),
    get: infoHash => run('readonly', s => s.get(infoHash)),
    put: record => run('readwrite', s => s.put(record)),
    remove: infoHash => run('readwrite', s => s.delete(infoHash))
  }
  lists.set(role, saved)
  return saved
}

/**
 * The page roles other than `role` whose saved list holds `infoHash`. Piece files are shared
 * by info hash between roles (one copy on disk, checked when another role adds the torrent),
 * so a role deletes a torrent's data only when no other role keeps it.
 */
export async function otherRolesHolding (infoHash, role) {
  const names = indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [dbName('main'), dbName('kiosk')]
  const roles = names.map(roleOf).filter(r => r && r !== role)
  const holding = []
  for (const other of new Set(roles)) {
    if (await torrentList(other).get(infoHash).catch(() => null)) holding.push(other)
  }
  return holding
}
