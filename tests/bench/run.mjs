// `npm run bench`: peerpage against the references in one run; prints markdown tables of
// medians and ratios (also written to tests/bench/results.md for the README).
//
//   node tests/bench/run.mjs [--node-only | --swarm-only | --no-swarm] [--reps N] [--mib N]
//                            [--clients webtorrent,peerpage] [--json FILE] [--profile DIR]
//                            [--flat MIB]   (also one peerpage download of MIB, for memory)
//                            [--from-json FILE]   (the transfer tables again from a --json file)
//                            [--wallet-only]   (only the curve rows, Node and Chromium, merged
//                                               into results.md's table in place of the old ones)
//
// --profile DIR: one run per transfer scenario with the V8 profiler on every page's main
// thread; prints where the time goes, writes .cpuprofile files to DIR, leaves results.md.
//
// The transfer benchmarks use real WebRTC: as root they run inside a network namespace this
// script creates (loopback only), elsewhere on this host's loopback, and say so.

import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const argv = process.argv.slice(2)
const flag = name => argv.includes(name)
const option = (name, fallback) => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : fallback
}
const walletOnly = flag('--wallet-only')
const wantMicro = !flag('--swarm-only') && !walletOnly
const wantSwarm = !flag('--node-only') && !flag('--no-swarm') && !walletOnly

// Re-run this script inside a fresh network namespace when we may create one.
if (wantSwarm && !process.env.PEERPAGE_NETNS && !option('--from-json')) {
  const ns = `peerpage-bench-${process.pid}`
  if (process.getuid?.() === 0 && spawnSync('ip', ['netns', 'add', ns]).status === 0) {
    let status = 1
    try {
      spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'])
      console.log(`benchmarks run inside network namespace ${ns} (loopback only)`)
      const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.argv.slice(1)],
        { stdio: 'inherit', env: { ...process.env, PEERPAGE_NETNS: ns } })
      status = r.status ?? 1
    } finally {
      spawnSync('ip', ['netns', 'del', ns])
    }
    process.exit(status)
  }
  console.log('NOTE: cannot create a network namespace (needs root and iproute2): WebRTC runs on this host\'s loopback')
}

const clients = option('--clients', 'webtorrent,peerpage').split(',')
const needWasm = wantMicro || walletOnly || (wantSwarm && clients.includes('peerpage'))
if (needWasm && !['peerpage_bg.wasm', 'wallet_bg.wasm'].every(f => existsSync(join(root, 'www/pkg', f)))) {
  const built = spawnSync('bash', [join(root, 'build.sh')], { stdio: 'inherit' })
  if (built.status !== 0) process.exit(1)
}

const resultsPath = join(root, 'tests/bench/results.md')
const TRANSFERS = '## Transfers over WebRTC'
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : ''
const cut = previous.indexOf(TRANSFERS)
let micro = (cut >= 0 ? previous.slice(0, cut) : previous).trim()
let transfers = cut >= 0 ? previous.slice(cut).trim() : ''

if (option('--profile')) {
  const { swarmProfile } = await import('./swarm.mjs')
  await swarmProfile({ mib: Number(option('--mib', 64)), clients, dir: option('--profile') })
  process.exit(0)
}

const tableRow = r => `| ${r.what} | ${r.ours.toFixed(0)} ${r.unit} | ${r.ref.toFixed(0)} ${r.unit} (${r.refName}) | **${(r.ours / r.ref).toFixed(1)}×** |`

if (walletOnly) {
  const { nodeCurveBenchmarks } = await import('./node.mjs')
  const { chromiumBenchmarks } = await import('./chromium.mjs')
  // Node and Chromium alternate, twice, so both see the same stretch of machine load;
  // the second pass is the one kept (the first warms the machine and both engines).
  let byEnv = {}
  for (let pass = 0; pass < 2; pass++) {
    byEnv = { Node: await nodeCurveBenchmarks(root), Chromium: await chromiumBenchmarks(root, { curveOnly: true }) }
  }
  const lines = micro.split('\n')
  for (const [env, rows] of Object.entries(byEnv)) {
    const old = l => /^\| (ECDSA|Schnorr) /.test(l) && l.includes(`(${env})`)
    let at = lines.findIndex(old)
    if (at < 0) at = lines.findLastIndex(l => l.includes(`(${env})`)) + 1
    const kept = lines.filter(l => !old(l))
    kept.splice(at > 0 ? at : kept.length, 0, ...rows.map(tableRow))
    lines.splice(0, lines.length, ...kept)
    console.log(rows.map(tableRow).join('\n'))
  }
  micro = lines.join('\n')
}

if (wantMicro) {
  const { nodeBenchmarks } = await import('./node.mjs')
  const rows = [...await nodeBenchmarks(root)]
  const { coreSwarmBenchmarks } = await import('./core-swarm.mjs')
  rows.push(...await coreSwarmBenchmarks(root))
  if (!flag('--node-only')) {
    const { chromiumBenchmarks } = await import('./chromium.mjs')
    rows.push(...await chromiumBenchmarks(root))
  }
  const gz = path => gzipSync(readFileSync(join(root, path)), { level: 9 }).length
  const wasmGz = gz('www/pkg/peerpage_bg.wasm')
  const jsGz = ['www/pkg/peerpage.js', 'www/main.js', 'www/ui/format.js', 'www/ui/qr.js', 'www/ui/torrent-view.js', 'www/ui/tabs.js', 'www/workers/hash-worker.js', 'www/create.js']
    .filter(f => existsSync(join(root, f)))
    .reduce((sum, f) => sum + gz(f), 0)
  // The wallet is its own wasm module and scripts, fetched only when the Wallet tab opens.
  const walletGz = gz('www/pkg/wallet_bg.wasm')
  const walletJsGz = ['www/pkg/wallet.js', ...readdirSync(join(root, 'www/ui')).filter(f => /^wallet.*\.js$/.test(f)).map(f => `www/ui/${f}`)]
    .reduce((sum, f) => sum + gz(f), 0)
  const wtGz = gz('node_modules/webtorrent/dist/webtorrent.min.js')
  micro = [
    '| benchmark | peerpage | reference | ratio |',
    '|---|---|---|---|',
    ...rows.map(tableRow),
    `| page size, gzipped | ${(wasmGz / 1024).toFixed(0)} KiB wasm + ${(jsGz / 1024).toFixed(0)} KiB JS; the wallet, fetched when its tab opens: ${(walletGz / 1024).toFixed(0)} KiB wasm + ${(walletJsGz / 1024).toFixed(0)} KiB JS | ${(wtGz / 1024).toFixed(0)} KiB (webtorrent.min.js) | ${((wasmGz + jsGz) / wtGz).toFixed(2)}× |`
  ].join('\n')
  console.log(micro)
}

if (wantSwarm) {
  const { swarmBenchmarks, swarmTable } = await import('./swarm.mjs')
  const result = option('--from-json') ? JSON.parse(readFileSync(option('--from-json'), 'utf8')) : await swarmBenchmarks({ mib: Number(option('--mib', 64)), reps: Number(option('--reps', 3)), clients, flatMib: Number(option('--flat', 0)) })
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(result, null, 1))
  transfers = `${TRANSFERS}\n\n${swarmTable(result, clients)}\n\n` +
    `One headless Chromium instance per peer (fresh profiles), ${result.netns ? 'inside a loopback-only network namespace' : 'on the host loopback'}, ` +
    'the local server\'s bittorrent-tracker, a random file; each leecher\'s bytes checked against it. ' +
    'peerpage runs in its own page (UI included), WebTorrent 3 (its browser bundle) in a blank page, both with no STUN servers. ' +
    'CPU seconds and peak PSS cover each instance\'s whole process tree from the magnet being added to the last leecher ' +
    'finishing (sampled from /proc every 200 ms). The raw data channel is one ordered reliable RTCDataChannel per peer ' +
    'connection pushing 16 KiB messages, no BitTorrent; in the 2-leecher case one sender pushes the whole file to each ' +
    'receiver at once, while BitTorrent leechers also trade pieces with each other, so they can beat it.' +
    (result.load ? ` Machine: ${result.cores} cores shared with other work, 1-minute load average ${result.load[0].toFixed(0)}–${result.load[1].toFixed(0)} during the run.` : '')
  console.log(transfers)
}

writeFileSync(resultsPath, [micro, transfers].filter(Boolean).join('\n\n') + '\n')
