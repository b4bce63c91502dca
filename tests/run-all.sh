#!/usr/bin/env bash
# `npm test`: every test peerpage has. Native Rust tests, the wasm32 check, the wasm build,
# Node tests, and browser tests in headless Chromium. Exits non-zero if anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
step() {
  local name=$1; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if "$@"; then echo "--> $name: ok"; else echo "--> $name: FAILED"; failed+=("$name"); fi
}

# Formatting follows rustfmt.toml; skipped (and said so) where rustfmt is not installed.
if cargo fmt --version >/dev/null 2>&1; then
  step "cargo fmt --check" cargo fmt --check
else
  echo "NOTE: rustfmt is not installed (rustup component add rustfmt): formatting not checked"
fi
step "cargo test (native core)" cargo test
step "cargo check (wasm32)" cargo check --lib --target wasm32-unknown-unknown
step "wasm build" bash build.sh

if compgen -G "tests/node/*.test.mjs" >/dev/null; then
  step "node tests" node --test tests/node/
fi

# Browser tests run inside a network namespace when we may create one, so WebRTC can only
# pair over that namespace's loopback (TESTING.md); elsewhere they run on this host's loopback.
run_browser_tests() {
  local netns="peerpage-test-$$"
  if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "$netns" 2>/dev/null; then
    echo "browser tests run inside network namespace $netns (loopback only)"
    # Deleted below, or here if the run is interrupted, so no namespace outlives the tests.
    trap "ip netns del $netns 2>/dev/null" EXIT
    trap 'exit 130' INT TERM
    ip netns exec "$netns" ip link set lo up
    ip netns exec "$netns" node --test --test-concurrency=1 tests/e2e/
    local status=$?
    ip netns del "$netns"
    trap - EXIT INT TERM
    return $status
  fi
  echo "NOTE: cannot create a network namespace (needs root and iproute2): browser tests run on this host's loopback"
  node --test --test-concurrency=1 tests/e2e/
}
step "browser tests (headless Chromium)" run_browser_tests

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "all test steps passed"
  exit 0
fi
echo "failed steps: ${failed[*]}"
exit 1
