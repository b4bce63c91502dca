// Transfers over real WebRTC between headless Chromium instances (one per peer), through the
// local server's real bittorrent-tracker: peerpage and WebTorrent 3 moving the same file, and
// the raw data-channel limit (no BitTorrent) in the same run. Interleaved repetitions; the
// report gives medians and ratios. Per instance: CPU seconds and peak PSS of its process tree
// while the transfer runs (tests/bench/procstats.mjs), so the seeder's hashing before the
// magnet is shared and the digest check after it are not counted.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, loadavg, cpus } from 'node:os'
import { join } from 'node:path'
import { startTestServer, launchKind, callIn, writeRandomFile, fileDigests } from '../e2e/peers.mjs'
import { browserRoot, sampleTree } from './procstats.mjs'
import { startProfile, formatSummary } from './profile.mjs'

export const CLIENTS = { webtorrent: { name: 'WebTorrent 3' }, peerpage: { name: 'peerpage' } }
const RAW = '/tests/bench/raw-channel.mjs'
const WATCH = '/tests/bench/channel-watch.mjs'
const TIMELINE = '/tests/bench/timeline.mjs'

/** Rejects after `ms` with a message naming what hung, so one stuck run cannot hang the bench. */
function within (ms, what, promise) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms) })
  ])
}

/** A fresh server (tracker) and `count` fresh Chromium instances; always cleaned up. */
async function withPeers (kind, count, fn) {
  const server = await startTestServer()
  const peers = []
  try {
    for (let i = 0; i < count; i++) peers.push(await launchKind(server, kind, kind === 'raw' ? { driver: RAW } : {}))
    for (const p of peers) p.root = browserRoot(p.profile)
    return await fn(server, peers)
  } finally {
    for (const p of peers) await p.close().catch(() => {})
    await server.close()
  }
}

/** One seeder and `leechers` leechers of one client; verifies every leecher's bytes. */
export async function transferRun (client, leechers, file, { timeoutMs = 600000, profileDir = null, watch = Boolean(profileDir), log = console.log } = {}) {
  return withPeers(client, 1 + leechers, async (server, [seeder, ...downloaders]) => {
    await seeder.page.setInputFiles('#pick', file.path)
    if (watch) for (const p of [seeder, ...downloaders]) await callIn(p.page, WATCH, 'watch')
    const { magnet } = await within(120000, `${client} seed`, seeder.call('seed', server.trackerUrl))
    const everyone = [seeder, ...downloaders]
    if (profileDir) for (const p of downloaders) await callIn(p.page, TIMELINE, 'install')
    const profiles = profileDir ? await Promise.all(everyone.map(p => startProfile(p.page))) : []
    const samplers = await Promise.all(everyone.map(p => sampleTree(p.root, { perThread: watch })))
    let results, usage
    try {
      results = await within(timeoutMs, `${client} download`,
        Promise.all(downloaders.map(p => p.call('download', magnet))))
    } finally {
      usage = await Promise.all(samplers.map(s => s.stop()))
      for (const [i, peer] of (watch ? everyone : []).entries()) {
        const role = i === 0 ? 'seeder' : `leecher${i}`
        log(`${client} 1 -> ${leechers}, ${role}: CPU ${usage[i].cpuSeconds.toFixed(1)} s for the whole instance; busiest threads: ` +
          usage[i].threads.slice(0, 8).map(t => `${t.name} ${t.seconds.toFixed(2)} s`).join(', '))
        if (profiles[i]) {
          const summary = await profiles[i].stop(join(profileDir, `${client}-1to${leechers}-${role}.cpuprofile`))
          log(formatSummary(`${client} 1 -> ${leechers}, ${role}`, summary))
        }
        const w = await callIn(peer.page, WATCH, 'report')
        if (profileDir && i > 0 && results) log('  timeline from the magnet (ms):\n' + (await callIn(peer.page, TIMELINE, 'report', results[i - 1].startedAt)).slice(0, 40).map(e => `    ${e.ms.toFixed(0).padStart(6)}  ${e.what}`).join('\n') + `\n    ${(results[i - 1].metadata).toFixed(0).padStart(6)}  metadata\n    ${(results[i - 1].firstPiece).toFixed(0).padStart(6)}  first verified piece`)
        log(`  send buffer of its channels (${w.samples} samples): ` + w.bands.map(b => `${b.lo === b.hi ? b.lo : `${b.lo}-${b.hi === Infinity ? '' : b.hi}`}: ${(100 * b.share).toFixed(0)} %`).join(', '))
        log(`  channel messages: ${w.sends} sent (${(w.sentBytes / 1048576).toFixed(1)} MiB), ${w.messages} received (${(w.receivedBytes / 1048576).toFixed(1)} MiB)`)
      }
    }
    for (const [i, p] of downloaders.entries()) {
      const got = await p.call('digests')
      if (got.length !== file.digests.length || got.some((d, j) => d !== file.digests[j])) {
        throw new Error(`${client} leecher ${i}: the downloaded bytes differ from the seeded file`)
      }
    }
    return {
      kind: client,
      leechers: results.map((r, i) => ({
        mbps: file.bytes / (r.done / 1000) / 1e6,
        metadataS: r.metadata / 1000,
        firstPieceS: r.firstPiece / 1000,
        doneS: r.done / 1000,
        pieceLength: r.pieceLength,
        wasmMiB: r.wasmMiB,
        jsHeapMiB: r.jsHeapMiB,
        // The rate once data flows: without tracker, signalling and metadata time.
        flowMbps: r.firstPiece != null && r.done > r.firstPiece ? file.bytes / ((r.done - r.firstPiece) / 1000) / 1e6 : null,
        ...usage[i + 1]
      })),
      seeder: usage[0]
    }
  })
}

/** The raw limit: one sender pushing `bytes` to each receiver, one data channel each. */
export async function rawRun (receivers, bytes, { timeoutMs = 600000 } = {}) {
  return withPeers('raw', 1 + receivers, async (server, [sender, ...rx]) => {
    const pairs = []
    for (const r of rx) {
      const o = await sender.call('offer')
      const a = await r.call('answer', o.sdp)
      await within(30000, 'raw channel open', sender.call('applyAnswer', o.id, a.sdp))
      pairs.push({ send: o.id, recv: a.id, peer: r })
    }
    const samplers = await Promise.all([sender, ...rx].map(p => sampleTree(p.root)))
    let got, usage
    try {
      const receiving = Promise.all(pairs.map(p => p.peer.call('receive', p.recv, bytes)))
      await sender.call('send', pairs.map(p => p.send), bytes)
      got = await within(timeoutMs, 'raw receive', receiving)
    } finally {
      usage = await Promise.all(samplers.map(s => s.stop()))
    }
    // Like a leecher's rate (all start together): from the first byte any receiver got to the
    // last byte this one got.
    const start = Math.min(...got.map(g => g.first))
    return {
      kind: 'raw',
      leechers: got.map((g, i) => ({ mbps: g.bytes / ((g.last - start) / 1000) / 1e6, ...usage[i + 1] })),
      seeder: usage[0]
    }
  })
}

/**
 * Every scenario `reps` times, the order rotated each repetition so no client always runs
 * first (or on a warmer machine). Returns { file, runs: [{scenario, kind, rep, ...}] }.
 */
export async function swarmBenchmarks ({ mib = 64, reps = 3, clients = Object.keys(CLIENTS), flatMib = 0, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pp-swarm-'))
  const path = join(dir, `bench-${mib}MiB.bin`)
  const bytes = mib * 1024 * 1024
  writeRandomFile(path, bytes)
  const file = { path, bytes, digests: fileDigests(path) }
  const jobs = []
  for (const leechers of [1, 2]) {
    jobs.push({ scenario: leechers, kind: 'raw', run: () => rawRun(leechers, bytes) })
    for (const c of clients) jobs.push({ scenario: leechers, kind: c, run: () => transferRun(c, leechers, file) })
  }
  const runs = []
  const load = [loadavg()[0]]
  const loadTimer = setInterval(() => load.push(loadavg()[0]), 10000)
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order = jobs.map((_, i) => jobs[(i + rep) % jobs.length])
      for (const job of order) {
        const label = `rep ${rep + 1}/${reps}: ${job.kind} 1 -> ${job.scenario}`
        try {
          const r = await job.run()
          log(`${label}: ${r.leechers.map(l => `${l.mbps.toFixed(2)} MB/s${l.firstPieceS != null ? `, first piece ${l.firstPieceS.toFixed(2)} s` : ''}, cpu ${l.cpuSeconds.toFixed(1)} s, pss ${l.peakPssMiB.toFixed(0)} MiB`).join('; ')} | seeder cpu ${r.seeder.cpuSeconds.toFixed(1)} s, pss ${r.seeder.peakPssMiB.toFixed(0)} MiB`)
          runs.push({ scenario: job.scenario, rep, ...r })
        } catch (err) {
          runs.push({ scenario: job.scenario, rep, kind: job.kind, error: err.message })
          log(`${label}: FAILED: ${err.message}`)
        }
      }
    }
    // Memory flat in file size: one large peerpage download, compared with the runs above.
    if (flatMib && clients.includes('peerpage')) {
      rmSync(path)
      const bigPath = join(dir, `bench-${flatMib}MiB.bin`)
      const bigBytes = flatMib * 1024 * 1024
      writeRandomFile(bigPath, bigBytes)
      const big = { path: bigPath, bytes: bigBytes, digests: fileDigests(bigPath) }
      try {
        const r = await transferRun('peerpage', 1, big, { timeoutMs: 1800000 })
        runs.push({ scenario: 1, rep: 0, ...r, kind: 'peerpage-flat', mib: flatMib })
        log(`peerpage ${flatMib} MiB 1 -> 1: ${r.leechers[0].mbps.toFixed(2)} MB/s, pss ${r.leechers[0].peakPssMiB.toFixed(0)} MiB | seeder pss ${r.seeder.peakPssMiB.toFixed(0)} MiB | leecher wasm memory ${r.leechers[0].wasmMiB} MiB, JS heap ${r.leechers[0].jsHeapMiB?.toFixed(0)} MiB, pieces of ${r.leechers[0].pieceLength} B`)
      } catch (err) {
        runs.push({ scenario: 1, rep: 0, kind: 'peerpage-flat', mib: flatMib, error: err.message })
        log(`peerpage ${flatMib} MiB 1 -> 1: FAILED: ${err.message}`)
      }
    }
  } finally {
    clearInterval(loadTimer)
    rmSync(dir, { recursive: true, force: true })
  }
  return { mib, reps, runs, netns: Boolean(process.env.PEERPAGE_NETNS), cores: cpus().length, load: [Math.min(...load), Math.max(...load)] }
}

/** One profiled run per scenario and client (not timed for the report: profiling slows). */
export async function swarmProfile ({ mib = 64, clients = Object.keys(CLIENTS), dir, log = console.log } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'pp-swarm-'))
  const path = join(tmp, `bench-${mib}MiB.bin`)
  const bytes = mib * 1024 * 1024
  writeRandomFile(path, bytes)
  const file = { path, bytes, digests: fileDigests(path) }
  try {
    for (const leechers of [1, 2]) {
      for (const c of clients) {
        try {
          const r = await transferRun(c, leechers, file, { profileDir: dir, log })
          log(`${c} 1 -> ${leechers} (profiled): ${r.leechers.map(l => `${l.mbps.toFixed(2)} MB/s`).join(', ')}`)
        } catch (err) {
          log(`${c} 1 -> ${leechers} (profiled): FAILED: ${err.message}`)
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** The middle value, or the mean of the two middle ones. */
function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const fmt = (x, digits) => x == null || Number.isNaN(x) ? '—' : x.toFixed(digits)

/** Markdown: medians per scenario and kind, ratios against WebTorrent and the raw channel. */
export function swarmTable ({ mib, reps, runs }, clients = Object.keys(CLIENTS)) {
  const ok = runs.filter(r => !r.error)
  const med = (scenario, kind, pick) => {
    const xs = ok.filter(r => r.scenario === scenario && r.kind === kind).flatMap(pick).filter(x => x != null)
    return xs.length ? median(xs) : null
  }
  const lines = [
    `| ${mib} MiB file, medians of ${reps} interleaved runs | ${clients.map(c => CLIENTS[c].name).join(' | ')} | raw data channel | ${clients.includes('peerpage') && clients.includes('webtorrent') ? 'peerpage / WebTorrent | ' : ''}${clients.includes('peerpage') ? 'peerpage / raw |' : ''}`,
    `|---|${clients.map(() => '---|').join('')}---|${clients.includes('peerpage') && clients.includes('webtorrent') ? '---|' : ''}${clients.includes('peerpage') ? '---|' : ''}`
  ]
  // rateRow: higher is better, compared with WebTorrent and with the raw channel.
  // costRow: lower is better, compared with WebTorrent only (the raw channel is a floor).
  const row = (label, scenario, pick, digits, { raw = true, vsRaw = false } = {}) => {
    const v = Object.fromEntries(clients.map(c => [c, med(scenario, c, pick)]))
    const r = raw ? med(scenario, 'raw', pick) : null
    const cells = [label, ...clients.map(c => fmt(v[c], digits)), raw ? fmt(r, digits) : '—']
    if (clients.includes('peerpage') && clients.includes('webtorrent')) cells.push(v.peerpage != null && v.webtorrent ? `**${(v.peerpage / v.webtorrent).toFixed(2)}×**` : '—')
    if (clients.includes('peerpage')) cells.push(vsRaw && v.peerpage != null && r ? `**${(100 * v.peerpage / r).toFixed(0)} %**` : '—')
    lines.push(`| ${cells.join(' | ')} |`)
  }
  for (const s of [1, 2]) {
    const who = s === 1 ? '1 seeder → 1 leecher' : '1 seeder → 2 leechers'
    row(`${who}: MB/s per leecher, magnet added → done`, s, r => r.leechers.map(l => l.mbps), 2, { vsRaw: true })
    row(`${who}: MB/s per leecher, first piece → done (raw: first byte → last)`, s, r => r.leechers.map(l => l.flowMbps ?? (r.kind === 'raw' ? l.mbps : null)), 2, { vsRaw: true })
    row(`${who}: s from the magnet to its metadata`, s, r => r.leechers.map(l => l.metadataS), 2, { raw: false })
    row(`${who}: s from the magnet to the first verified piece`, s, r => r.leechers.map(l => l.firstPieceS), 2, { raw: false })
    row(`${who}: CPU seconds, each leecher instance`, s, r => r.leechers.map(l => l.cpuSeconds), 1)
    row(`${who}: CPU seconds, seeder instance`, s, r => [r.seeder.cpuSeconds], 1)
    row(`${who}: peak PSS MiB, each leecher instance`, s, r => r.leechers.map(l => l.peakPssMiB), 0)
    row(`${who}: peak PSS MiB, seeder instance`, s, r => [r.seeder.peakPssMiB], 0)
  }
  const flat = ok.find(r => r.kind === 'peerpage-flat')
  if (flat) {
    const small = med(1, 'peerpage', r => r.leechers.map(l => l.peakPssMiB))
    const smallSeeder = med(1, 'peerpage', r => [r.seeder.peakPssMiB])
    lines.push('', `Memory flat in file size (peerpage, 1 seeder → 1 leecher, peak PSS of each instance):`, '',
      `| file | leecher peak PSS | seeder peak PSS | MB/s |`, '|---|---|---|---|',
      `| ${mib} MiB (median above) | ${fmt(small, 0)} MiB | ${fmt(smallSeeder, 0)} MiB | ${fmt(med(1, 'peerpage', r => r.leechers.map(l => l.mbps)), 2)} |`,
      `| ${flat.mib} MiB (one run) | ${fmt(flat.leechers[0].peakPssMiB, 0)} MiB | ${fmt(flat.seeder.peakPssMiB, 0)} MiB | ${fmt(flat.leechers[0].mbps, 2)} |`)
    if (small != null) lines.push('', `The ${flat.mib} MiB download peaks ${fmt(flat.leechers[0].peakPssMiB - small, 0)} MiB above the ${mib} MiB one (goal: at most +64 MiB).`)
  }
  const failed = runs.filter(r => r.error)
  if (failed.length) {
    lines.push('', 'Failed runs:', ...failed.map(r => `- ${r.kind}${r.mib ? ` ${r.mib} MiB` : ''} 1 → ${r.scenario}, rep ${r.rep + 1}: ${r.error}`))
  }
  return lines.join('\n')
}
