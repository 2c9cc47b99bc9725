# Sourced by tools/run-tests, tools/run-demo and tools/install-deps: does
# this kernel have SCTP?
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

# The real peers the interop specs and demos talk to (spec/diameter_spec.lua,
# spec/m3ua_spec.lua, make demo-diameter / demo-m3ua): their Debian packages
# (tools/install-deps), and the programs and data the VM takes from them.
# They are large (tshark's libwireshark alone is ~100 MB), so the VM gets
# them on its cached read-only disk (SCTP_VM_DISK_PROGS), not the initramfs.
PEER_PKGS="freediameterd osmo-stp tshark"
peers_on_vm_disk() {
  export SCTP_VM_DISK_PROGS="${SCTP_VM_DISK_PROGS:-freeDiameterd osmo-stp tshark dumpcap}"
  export SCTP_VM_DISK_FILES="${SCTP_VM_DISK_FILES:-/usr/share/wireshark}"
}
