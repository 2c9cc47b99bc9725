# lua-sctp: build, install, test.
#   make [LUA=5.4|5.3|5.1|luajit]      build build/$(LUA)/sctp/core.so
#   make install PREFIX=/usr/local     (DESTDIR honoured)
#   make test [BACKEND=all|kernel|usrsctp]  the specs: on the kernel (natively,
#                                      or in a VM without SCTP) and on usrsctp
#                                      (natively), one closing line
#   make demo                          echo server + client over SCTP
#   make demo-diameter / demo-m3ua     the examples against freeDiameterd / osmo-stp
LUA ?= 5.4
BACKEND ?= all
PREFIX ?= /usr/local
DESTDIR ?=

# Lua version -> interpreter, pkg-config name, install directory version.
ifeq ($(LUA),luajit)
  LUA_BIN ?= luajit
  LUA_PC ?= luajit
  LUA_ABI := 5.1
else
  LUA_BIN ?= lua$(LUA)
  LUA_PC ?= lua$(LUA)
  LUA_ABI := $(LUA)
endif

# Headers: LUA_INCDIR=/path wins, else pkg-config.
ifdef LUA_INCDIR
  LUA_CFLAGS ?= -I$(LUA_INCDIR)
else
  LUA_CFLAGS ?= $(shell pkg-config --cflags $(LUA_PC) 2>/dev/null)
endif
LUA_SHARE := $(PREFIX)/share/lua/$(LUA_ABI)
LUA_LIB := $(PREFIX)/lib/lua/$(LUA_ABI)

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -std=c99 -pedantic -Wno-overlength-strings
comma := ,
SANFLAGS := $(if $(SANITIZE),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
ALL_CFLAGS := $(CFLAGS) $(WARN) $(SANFLAGS) -fPIC -fvisibility=hidden $(LUA_CFLAGS)
LDFLAGS ?=
LIBS := -lsctp -lpthread

# SANITIZE=1 builds apart (build/5.4-asan), so normal builds stay as they are.
BUILD := build/$(LUA)$(if $(SANITIZE),-asan)
SRCS := $(wildcard csrc/*.c)
# The userland backend (csrc/usrsctp/) is built when libusrsctp-dev is there;
# USRSCTP=0 leaves it out, USRSCTP=1 insists on it.
USRSCTP ?= $(shell pkg-config --exists usrsctp 2>/dev/null && echo 1 || echo 0)
ifeq ($(USRSCTP),1)
SRCS += $(wildcard csrc/usrsctp/*.c)
ALL_CFLAGS += -DLSCTP_HAVE_USRSCTP
# -z nodelete: usrsctp's threads run the module's ticker and libusrsctp's
# code until the process ends, so lua_close must not unmap them (dlclose).
LIBS += -lusrsctp -Wl,-z,nodelete
endif
OBJS := $(patsubst csrc/%.c,$(BUILD)/obj/%.o,$(SRCS))
HDRS := $(wildcard csrc/*.h csrc/usrsctp/*.h)
MODULE := $(BUILD)/sctp/core.so
LUA_SRCS := lua/sctp.lua $(wildcard lua/sctp/*.lua)

.PHONY: all install uninstall clean test test-all demo demo-diameter demo-m3ua docs check-headers bench bench-calls bench-icount bench-deps fuzz soak

all: $(MODULE)

$(BUILD)/obj/%.o: csrc/%.c $(HDRS) | check-headers
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(MODULE): $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared $(SANFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

# A clear message instead of a wall of compiler errors when headers are missing.
check-headers:
	@if [ -z "$(LUA_CFLAGS)" ] && ! pkg-config --exists $(LUA_PC) 2>/dev/null; then \
	  echo "lua-sctp: Lua $(LUA) headers not found (pkg-config $(LUA_PC))."; \
	  echo "  install them: sudo apt-get install liblua$(LUA)-dev   (or set LUA_CFLAGS=-I/path)"; \
	  exit 1; fi
	@if [ ! -f /usr/include/netinet/sctp.h ] && ! echo '#include <netinet/sctp.h>' | $(CC) -E - >/dev/null 2>&1; then \
	  echo "lua-sctp: <netinet/sctp.h> not found: sudo apt-get install libsctp-dev"; exit 1; fi

install: $(MODULE)
	install -d $(DESTDIR)$(LUA_SHARE)/sctp $(DESTDIR)$(LUA_LIB)/sctp
	install -m 644 lua/sctp.lua $(DESTDIR)$(LUA_SHARE)/sctp.lua
	install -m 644 $(wildcard lua/sctp/*.lua) $(DESTDIR)$(LUA_SHARE)/sctp/
	install -m 755 $(MODULE) $(DESTDIR)$(LUA_LIB)/sctp/core.so

uninstall:
	rm -f $(DESTDIR)$(LUA_SHARE)/sctp.lua $(DESTDIR)$(LUA_LIB)/sctp/core.so
	rm -rf $(DESTDIR)$(LUA_SHARE)/sctp

clean:
	rm -rf build

# Runs the specs natively when the kernel has SCTP, else in a QEMU VM.
# Both first install missing Debian packages (as root) or say which.
# The OpenResty spec runs nginx's LuaJIT, so the LuaJIT build is made too.
test:
	@tools/check-rockspec
	@LUA=$(LUA) tools/install-deps
	@$(MAKE) --no-print-directory all
	@[ "$(LUA)" = luajit ] && [ -z "$(SANITIZE)" ] || $(MAKE) --no-print-directory LUA=luajit SANITIZE= all
	tools/run-tests --lua $(LUA) $(if $(SANITIZE),--sanitize) --backend $(BACKEND)

# Every supported Lua, with one closing line of totals.
test-all:
	@[ -f build/luajit/sctp/core.so ] || $(MAKE) --no-print-directory LUA=luajit all
	tools/run-tests-all 5.4 5.3 5.1 luajit

demo:
	@LUA=$(LUA) tools/install-deps
	@$(MAKE) --no-print-directory all
	tools/run-demo --lua $(LUA) --backend $(if $(filter all,$(BACKEND)),auto,$(BACKEND))

# examples/diameter_peer.lua and diameter_server.lua with freeDiameterd, and
# examples/m3ua_asp.lua with osmo-stp, each exchange printed, then tshark's
# decoding of the capture (docs/protocols.md).
demo-diameter demo-m3ua:
	@LUA=$(LUA) tools/install-deps
	@$(MAKE) --no-print-directory all
	tools/run-demo --lua $(LUA) $(@:demo-%=%)

# The reference (LDoc, build/docs) and a check that it covers every public
# function, method, option and event.
docs: all
	@command -v ldoc >/dev/null || { echo "docs: needs ldoc: apt-get install lua-ldoc lua-markdown"; exit 2; }
	ldoc .
	tools/check-docs

# Benchmarks against C, Erlang gen_sctp and Go in one VM boot (bench/).
bench:
	@LUA=$(LUA) tools/install-deps
	@$(MAKE) --no-print-directory all
	@[ -x bench/run ] || { echo "make bench: bench/ is not in this tree yet (issue 7 is open)"; exit 2; }
	bench/run $(if $(filter usrsctp,$(BACKEND)),--backend usrsctp) --lua $(LUA)

# What one send/recv call costs by itself, C against Lua (bench/calls).
bench-calls: all
	bench/calls

# Instructions per message counted by QEMU's TCG, C against Lua (bench/icount).
bench-icount:
	@LUA=5.4 tools/install-deps
	@$(MAKE) --no-print-directory LUA=5.4 all
	@$(MAKE) --no-print-directory LUA=luajit all
	bench/icount/run

bench-deps:
	@[ -x bench/deps ] || { echo "make bench-deps: bench/ is not in this tree yet (issue 7 is open)"; exit 2; }
	bench/deps

# libFuzzer harnesses for the decoders and the option encoder (fuzz/).
fuzz:
	fuzz/run

# Long reliability runs (bounded; loopback and namespaces only), in the VM.
soak: all
	soak/run $(if $(filter usrsctp,$(BACKEND)),--backend usrsctp)

# Instructions per message of the hot path, natively under callgrind, over
# an in-memory stand-in for the kernel (bench/profile): no SCTP, no VM.
.PHONY: bench-profile
bench-profile:
	bench/profile/run
