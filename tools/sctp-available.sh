# Sourced by tools/run-tests and tools/run-demo: does this kernel have SCTP?
# SCTP_VM=1 forces the VM (answer no), SCTP_VM=0 forces native (answer yes).
sctp_available() {
  case "${SCTP_VM:-}" in
    1) return 1 ;;
    0) return 0 ;;
  esac
  if [ ! -d /proc/sys/net/sctp ] && [ "$(id -u)" = 0 ]; then
    modprobe -q sctp 2>/dev/null || true
  fi
  [ -d /proc/sys/net/sctp ]
}
