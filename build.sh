#!/usr/bin/env bash
# Builds peerpage's wasm core into www/pkg/, installing whatever is missing first:
# the wasm32 target, wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version, npm packages.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

command -v cargo >/dev/null || { echo "build.sh: cargo is missing; install Rust with rustup first" >&2; exit 1; }
command -v node >/dev/null || { echo "build.sh: node (>= 20) is missing" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the library exactly, or the generated glue does not fit the wasm.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "build.sh: cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  # No --locked: the registry mirror can lag crates.io and the CLI's own lock file may name
  # a dependency version it lacks.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# npm packages are stale when missing, when the lock file is newer than npm's record of the
# install, or when a package the build and tests use directly is absent.
npm_stale() {
  [ -d node_modules ] || return 0
  local pkg
  for pkg in binaryen playwright-core bittorrent-tracker webtorrent; do
    [ -f "node_modules/$pkg/package.json" ] || return 0
  done
  # A linked install (a git worktree sharing another checkout's packages) is judged by
  # the packages alone: a fresh checkout's lock file is always newer than it.
  [ ! -L node_modules ] && [ -f node_modules/.package-lock.json ] &&
    [ package-lock.json -nt node_modules/.package-lock.json ]
}
if npm_stale; then
  if [ -L node_modules ]; then
    # `npm ci` empties node_modules first, following the link into the shared install.
    echo "build.sh: node_modules is a link to a shared install that looks stale; not touching it" >&2
    echo "          (run 'npm ci --ignore-scripts' where it lives)" >&2
  else
    say "installing npm packages"
    # --ignore-scripts: webtorrent's dependency tree runs a pnpm-only preinstall we do not need.
    npm ci --ignore-scripts --no-audit --no-fund
  fi
fi

target_dir=${CARGO_TARGET_DIR:-target}
rm -rf www/pkg

# Two wasm modules from the one crate, one Cargo feature each: the torrent page's core
# (peerpage.js), and the wallet (wallet.js: curve, BIP-39 word lists, PSBT), which the page
# fetches only when the wallet is used, so a visitor of the torrent page never downloads it.
build_module() { # feature, output name in www/pkg/
  say "building the $1 module for wasm32 (release)"
  cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --features "$1"
  say "generating JS bindings into www/pkg/$2.js"
  wasm-bindgen --target web --out-dir www/pkg --out-name "$2" --no-typescript \
    "$target_dir/wasm32-unknown-unknown/release/peerpage.wasm"
  say "shrinking www/pkg/$2_bg.wasm with wasm-opt"
  node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "www/pkg/$2_bg.wasm" -o "www/pkg/$2_bg.wasm.opt"
  mv "www/pkg/$2_bg.wasm.opt" "www/pkg/$2_bg.wasm"
}
build_module torrent peerpage
build_module wallet wallet

for name in peerpage wallet; do
  raw=$(wc -c < "www/pkg/${name}_bg.wasm")
  gz=$(gzip -9 -c "www/pkg/${name}_bg.wasm" | wc -c)
  js=$(gzip -9 -c "www/pkg/$name.js" | wc -c)
  say "www/pkg/${name}_bg.wasm: $raw bytes raw, $gz bytes gzipped (glue JS: $js bytes gzipped)"
done
