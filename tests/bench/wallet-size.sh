#!/usr/bin/env bash
# The wallet's share of the wasm: builds the core once more without the wallet's bindings
# (cargo feature `wallet` off; link-time optimisation then drops the wallet, the curve, BIP-39
# word lists, scrypt and the AEAD), shrinks it as build.sh does, and compares gzipped sizes
# with the full build in www/pkg/ (run build.sh first).
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir=${CARGO_TARGET_DIR:-target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --quiet
wasm-bindgen --target web --out-dir "$out" --no-typescript "$target_dir/wasm32-unknown-unknown/release/peerpage.wasm"
node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/peerpage_bg.wasm" -o "$out/without-wallet.wasm"
# Leave the release build as build.sh made it, so the next build.sh is incremental.
cargo build --release --target wasm32-unknown-unknown --lib --quiet
full=$(gzip -9 -c www/pkg/peerpage_bg.wasm | wc -c)
bare=$(gzip -9 -c "$out/without-wallet.wasm" | wc -c)
echo "| wallet's share of the wasm, gzipped | $(( (full - bare) / 1024 )) KiB of $(( full / 1024 )) KiB ($(( 100 * (full - bare) / full )) %) | $(( bare / 1024 )) KiB without the wallet | |"
