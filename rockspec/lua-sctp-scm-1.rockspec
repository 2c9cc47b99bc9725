-- luarocks make rockspec/lua-sctp-scm-1.rockspec   (from the repository root)
rockspec_format = "3.0"
package = "lua-sctp"
version = "scm-1"
source = {
  url = "git+file:///dev/null",   -- built from a checkout with `luarocks make`
}
description = {
  summary = "Linux kernel SCTP sockets for Lua, shaped like Erlang/OTP gen_sctp",
  detailed = [[
    One-to-many and one-to-one SCTP sockets, every gen_sctp option and event,
    sctp_send/sctp_sendx, blocking or coroutine-friendly waiting.
  ]],
  license = "MIT",
  labels = {"sctp", "networking", "telecom"},
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
external_dependencies = {
  SCTP = {                 -- Debian: libsctp-dev
    header = "netinet/sctp.h",
    library = "sctp",
  },
}
build = {
  type = "builtin",
  modules = {
    ["sctp"] = "lua/sctp.lua",
    ["sctp.state"] = "lua/sctp/state.lua",
    ["sctp.check"] = "lua/sctp/check.lua",
    ["sctp.options"] = "lua/sctp/options.lua",
    ["sctp.io"] = "lua/sctp/io.lua",
    ["sctp.assoc"] = "lua/sctp/assoc.lua",
    ["sctp.active"] = "lua/sctp/active.lua",
    ["sctp.wait"] = "lua/sctp/wait.lua",
    ["sctp.luv"] = "lua/sctp/luv.lua",
    ["sctp.ngx"] = "lua/sctp/ngx.lua",
    ["sctp.core"] = {
      sources = {
        "csrc/addr.c", "csrc/args.c", "csrc/backend_kernel.c", "csrc/codec.c",
        "csrc/diag.c", "csrc/errnames.c", "csrc/io.c", "csrc/notify.c",
        "csrc/option_auth.c", "csrc/option_special.c", "csrc/option_table.c", "csrc/options.c", "csrc/reconf.c", "csrc/recv.c",
        "csrc/sndrcvinfo.c", "csrc/socket.c", "csrc/wait.c",
      },
      libraries = {"sctp", "pthread"},
      incdirs = {"$(SCTP_INCDIR)"},
      libdirs = {"$(SCTP_LIBDIR)"},
    },
  },
}
