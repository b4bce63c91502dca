// `npm run bench`: peerpage against the references in one run; prints a markdown table of
// medians and ratios (also written to tests/bench/results.md for the README).

import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { nodeBenchmarks } from './node.mjs'
import { chromiumBenchmarks } from './chromium.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
if (!existsSync(join(root, 'www/pkg/peerpage_bg.wasm'))) {
  const built = spawnSync('bash', [join(root, 'build.sh')], { stdio: 'inherit' })
  if (built.status !== 0) process.exit(1)
}

const rows = [...await nodeBenchmarks(root)]
if (!process.argv.includes('--node-only')) rows.push(...await chromiumBenchmarks(root))

const gz = path => gzipSync(readFileSync(join(root, path)), { level: 9 }).length
const wasmGz = gz('www/pkg/peerpage_bg.wasm')
const jsGz = ['www/pkg/peerpage.js', 'www/main.js', 'www/ui/format.js', 'www/ui/qr.js', 'www/ui/torrent-view.js', 'www/ui/tabs.js', 'www/workers/hash-worker.js', 'www/create.js']
  .reduce((sum, f) => sum + gz(f), 0)
const wtGz = gz('node_modules/webtorrent/dist/webtorrent.min.js')

const lines = [
  '| benchmark | peerpage | reference | ratio |',
  '|---|---|---|---|',
  ...rows.map(r => `| ${r.what} | ${r.ours.toFixed(0)} ${r.unit} | ${r.ref.toFixed(0)} ${r.unit} (${r.refName}) | **${(r.ours / r.ref).toFixed(1)}×** |`),
  `| page size, gzipped | ${(wasmGz / 1024).toFixed(0)} KiB wasm + ${(jsGz / 1024).toFixed(0)} KiB JS | ${(wtGz / 1024).toFixed(0)} KiB (webtorrent.min.js) | ${((wasmGz + jsGz) / wtGz).toFixed(2)}× |`
]
const table = lines.join('\n')
console.log(table)
writeFileSync(join(root, 'tests/bench/results.md'), table + '\n')
