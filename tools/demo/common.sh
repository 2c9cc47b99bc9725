# Sourced by tools/demo/diameter.sh and m3ua.sh (POSIX sh; they run in the
# test VM when this kernel has no SCTP): a scratch directory, config
# templates, waiting for a listener, a capture decoded by tshark at the end.
set -eu
interp=${1:-lua5.4}   # and the build of sctp.core it loads: build/$2
export LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH="./build/${2:-5.4}/?.so;;"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lua-sctp-demo.XXXXXX")
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${dummy:-}" ] || ip link del "$dummy" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "demo: $1 not found: apt-get install $2 (tools/install-deps)" >&2; exit 1; }; }

# config NAME key=value...: examples/peers/NAME with its ${key}s filled, in $dir.
config() {
  name=$1; shift
  cp "examples/peers/$name" "$dir/$name"
  for kv in "$@"; do
    sed -i "s|\${${kv%%=*}}|${kv#*=}|g" "$dir/$name"
  done
  echo "$dir/$name"
}

# wait_listening PORT: until an SCTP socket listens there (10 s at most).
wait_listening() {
  i=0
  until ss -Hln -S | grep -q ":$1[[:space:]]"; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "demo: nothing listens on port $1" >&2; return 1; }
    sleep 0.05
  done
}

# capture_start / capture_show FILTER: dumpcap on lo (SCTP only), then
# tshark's one-line summary of each frame matching FILTER.
capture_start() {
  dumpcap -i lo -f sctp -w "$dir/capture.pcapng" >"$dir/dumpcap.log" 2>&1 &
  capture=$!; pids="$pids $capture"
  i=0
  until grep -q "File:" "$dir/dumpcap.log"; do
    i=$((i + 1)); [ $i -lt 200 ] || { cat "$dir/dumpcap.log" >&2; exit 1; }
    sleep 0.05
  done
}
capture_show() {
  sleep 0.5   # what is still in the kernel's buffer reaches the file
  kill "$capture"; wait "$capture" 2>/dev/null || true
  say "what tshark decoded from the capture on lo"
  tshark -n -r "$dir/capture.pcapng" "$@" 2>/dev/null
}
