-- A real nginx with lua-nginx-module (OpenResty's module, LuaJIT) serving
-- an HTTP endpoint that forwards each request body over SCTP to a Lua echo
-- server and answers with the reply. The echo server and the HTTP client
-- run as cqueues coroutines in this process.

local H = require "helper"
local sctp = require "sctp"

local has_cqueues, cqueues = pcall(require, "cqueues")
local NGINX = "/usr/sbin/nginx"
local MODULES = "/usr/lib/nginx/modules"

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local text = f:read("*a")
  f:close()
  return text
end

local function free_tcp_port()
  local socket = require "cqueues.socket"
  local s = assert(socket.listen("127.0.0.1", 0))
  local _, _, port = s:localname()
  s:close()
  return port
end

-- One HTTP POST with cqueues.socket; returns status, body.
local function http_post(port, path, body)
  local socket = require "cqueues.socket"
  local s = assert(socket.connect("127.0.0.1", port))
  s:setmode("bn", "bn")   -- no CRLF translation
  s:settimeout(10)
  assert(s:write(("POST %s HTTP/1.0\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n%s")
    :format(path, #body, body)))
  local response = s:read("*a")
  s:close()
  assert(response, "no HTTP response")
  local status = tonumber(response:match("^HTTP/1%.%d (%d+)"))
  local payload = response:match("\r\n\r\n(.*)$")
  return status, payload
end

-- The example configuration, with its ${placeholders} filled in here.
local function example_conf()
  return read("examples/openresty/nginx.conf")
end

describe("OpenResty (nginx + lua-nginx-module)", function()
  local dir, root, http_port
  after_each(function()
    if dir and exists(dir .. "/nginx.pid") then
      os.execute(("%s -p %s -c %s/nginx.conf -e stderr -s stop 2>/dev/null"):format(NGINX, dir, dir))
    end
    H.cleanup()
  end)

  it("forwards HTTP request bodies over SCTP to a Lua echo server", function()
    assert(has_cqueues, "cqueues is needed (lua-cqueues)")
    assert(exists(NGINX), NGINX .. " missing (apt-get install nginx libnginx-mod-http-lua)")
    assert(exists(MODULES .. "/ngx_http_lua_module.so"), "lua-nginx-module missing")
    root = assert(os.getenv("PWD"))
    assert(exists(root .. "/build/luajit/sctp/core.so"), "the LuaJIT build is missing (make LUA=luajit)")
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. dir))

    local srv = H.server()
    http_port = free_tcp_port()
    local conf = example_conf():gsub("%${([%w_]+)}", {
      dir = dir, modules = MODULES, root = root,
      http_port = tostring(http_port), sctp_port = tostring(H.port_of(srv)),
    })
    write(dir .. "/nginx.conf", conf)
    local ok = os.execute(("%s -p %s -c %s/nginx.conf -e stderr"):format(NGINX, dir, dir))
    assert(ok == true or ok == 0, "nginx did not start: " .. read(dir .. "/error.log"))

    local cq = cqueues.new()
    local echoed, answers = 0, {}
    cq:wrap(function()
      while true do
        local ip, port, anc, data = srv:recv()
        if not ip then return end
        if not sctp.is_event(data) then
          assert(anc[1].ppid == 7)
          assert(srv:send({ assoc_id = anc[1].assoc_id, stream = 0 }, "echo:" .. data))
          echoed = echoed + 1
        end
      end
    end)
    local REQUESTS = 5
    cq:wrap(function()
      for i = 1, REQUESTS do
        local body = ("request %d %s"):format(i, ("x"):rep(i * 100))
        local status, payload = http_post(http_port, "/sctp", body)
        answers[i] = { status = status, payload = payload, want = "echo:" .. body }
      end
      srv:close()
    end)
    local done, err = cq:loop(60)
    assert(done, err)
    assert.equal(REQUESTS, echoed, "nginx error log:\n" .. read(dir .. "/error.log"))
    for i = 1, REQUESTS do
      assert.equal(200, answers[i].status, answers[i].payload)
      assert.equal(answers[i].want, answers[i].payload)
    end
  end)
end)
