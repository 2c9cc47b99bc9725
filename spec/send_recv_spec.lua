-- Exchanging messages on one-to-many sockets: both send forms, the
-- sndrcvinfo received as ancillary data, large messages, streams, many
-- associations and recv timeouts.

local H = require "helper"
local sctp = require "sctp"

local SNDRCVINFO_NUMBERS = { "stream", "ssn", "ppid", "context", "timetolive",
  "tsn", "cumtsn", "assoc_id" }

describe("sending and receiving", function()
  after_each(H.cleanup)

  it("delivers a message with the sender's address and a sndrcvinfo", function()
    local server, client, assoc, sid = H.pair()
    assert.equal(true, client:send(assoc, 0, "hello"))
    local ip, port, anc, data = H.expect_data(server)
    assert.equal("127.0.0.1", ip)
    assert.equal(H.port_of(client), port)
    assert.equal("hello", data)
    assert.equal("string", type(data))        -- binary mode
    assert.equal(1, #anc)
    local info = H.info(anc)
    assert.equal(sid, info.assoc_id)
    assert.equal(0, info.stream)
  end)

  it("fills every sndrcvinfo field with the gen_sctp names", function()
    local server, client, assoc, sid = H.pair()
    H.must(client:send(assoc, 1, "fields"))
    local _, _, anc = H.expect_data(server)
    local info = H.info(anc)
    for _, name in ipairs(SNDRCVINFO_NUMBERS) do
      assert.is_number(info[name], "sndrcvinfo." .. name .. " in " .. H.show(info))
    end
    assert.is_table(info.flags, "sndrcvinfo.flags must be an array of strings")
    for i = 1, #info.flags do
      assert.is_string(info.flags[i])
    end
    assert.is_false(H.has(info.flags, "unordered"))
    assert.equal(1, info.stream)
    assert.equal(sid, info.assoc_id)
    assert.equal(0, info.ppid)
  end)

  it("sends with send(assoc table, stream, data) and send(integer id, stream, data)", function()
    local server, client, assoc, sid = H.pair()
    H.must(client:send(assoc, 2, "by table"))
    H.must(client:send(assoc.assoc_id, 3, "by id"))
    local _, _, anc1, d1 = H.expect_data(server)
    local _, _, anc2, d2 = H.expect_data(server)
    -- different streams: the order between them is not guaranteed
    local got = {}
    got[H.info(anc1).stream] = d1
    got[H.info(anc2).stream] = d2
    assert.same({ [2] = "by table", [3] = "by id" }, got)

    -- and the server answers over its own id for the association
    H.must(server:send(sid, 1, "reply by id"))
    H.must(server:send({ assoc_id = sid }, 1, "reply by table"))
    local ip, port, anc, data = H.expect_data(client)
    assert.equal("reply by id", data)
    assert.equal("127.0.0.1", ip)
    assert.equal(H.port_of(server), port)
    assert.equal(assoc.assoc_id, H.info(anc).assoc_id)
    assert.equal(1, H.info(anc).stream)
    _, _, anc, data = H.expect_data(client)
    assert.equal("reply by table", data)
  end)

  it("sends with send(sndrcvinfo, data) honouring assoc_id, stream and ppid", function()
    local server, client, assoc, sid = H.pair()
    assert.equal(true, client:send({ assoc_id = assoc.assoc_id, stream = 4, ppid = 1234 }, "by sndrcvinfo"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("by sndrcvinfo", data)
    local info = H.info(anc)
    assert.equal(4, info.stream)
    assert.equal(1234, info.ppid)
    assert.equal(sid, info.assoc_id)
  end)

  it("gives and returns ppid in host byte order", function()
    -- each value differs from its byte-swapped self except 0xffffffff,
    -- which checks the full unsigned 32-bit range
    local values = { 0x01020304, 46, 0xdeadbeef, 0x7f000001, 0xffffffff, 0 }
    local server, client, assoc = H.pair()
    for i, v in ipairs(values) do
      H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, ppid = v }, "ppid " .. i))
    end
    for i, v in ipairs(values) do
      local _, _, anc, data = H.expect_data(server)
      assert.equal("ppid " .. i, data)
      assert.equal(v, H.info(anc).ppid, string.format("ppid 0x%08x", v))
    end
  end)

  it("numbers ordered messages per stream (ssn) and marks unordered ones", function()
    local server, client, assoc = H.pair()
    for i = 1, 3 do
      H.must(client:send(assoc, 2, "ordered " .. i))
    end
    local ssn
    for i = 1, 3 do
      local _, _, anc, data = H.expect_data(server)
      assert.equal("ordered " .. i, data)
      local info = H.info(anc)
      assert.equal(2, info.stream)
      if ssn then assert.equal(ssn + 1, info.ssn) end
      ssn = info.ssn
    end
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, flags = { "unordered" } }, "unordered"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("unordered", data)
    assert.is_true(H.has(H.info(anc).flags, "unordered"), H.show(H.info(anc).flags))
  end)

  it("sends an array of strings as one message (gather)", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, { "hello", ", ", "", "world" }))
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0 }, { "second", " one" }))
    local _, _, _, d1 = H.expect_data(server)
    local _, _, _, d2 = H.expect_data(server)
    assert.equal("hello, world", d1)
    assert.equal("second one", d2)
  end)

  it("delivers a 1 MiB message whole, also when sent as an array of strings", function()
    -- A message larger than sndbuf is refused (EMSGSIZE), so the sender needs
    -- sndbuf > 1 MiB; the kernel caps it at twice net.core.wmem_max. The
    -- receiver gets a small `buffer` so that the message has to be put
    -- together from many partial reads.
    local server, client, assoc, sid = H.pair(
      { recbuf = 4 * H.MiB, buffer = 65536 },
      { sndbuf = 4 * H.MiB })
    local sndbuf = H.must(client:getopts({ "sndbuf" })).sndbuf
    assert.is_true(sndbuf > H.MiB + 65536, "sndbuf is only " .. tostring(sndbuf) ..
      " bytes: raise net.core.wmem_max (e.g. sysctl -w net.core.wmem_max=8388608)")

    -- 16384 distinct 64-byte lines: any lost, repeated or reordered piece shows
    local lines = {}
    for i = 1, 16384 do
      lines[i] = string.format("%062d\r\n", i)
    end
    local big = table.concat(lines)
    assert.equal(H.MiB, #big)

    H.must(client:send(assoc, 0, big))
    local _, _, anc, data = H.expect_data(server, 20000)
    assert.equal(#big, #data)
    assert.is_true(data == big, "the 1 MiB message arrived altered")
    assert.equal(sid, H.info(anc).assoc_id)

    -- the same bytes as 16 pieces of 64 KiB, gathered into one message
    local pieces = {}
    for i = 0, 15 do
      pieces[#pieces + 1] = big:sub(i * 65536 + 1, (i + 1) * 65536)
    end
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, ppid = 7 }, pieces))
    _, _, anc, data = H.expect_data(server, 20000)
    assert.equal(#big, #data)
    assert.is_true(data == big, "the gathered 1 MiB message arrived altered")
    assert.equal(1, H.info(anc).stream)
    assert.equal(7, H.info(anc).ppid)

    -- and a small message after them is still its own message
    H.must(client:send(assoc, 0, "after"))
    _, _, anc, data = H.expect_data(server)
    assert.equal("after", data)
  end)

  it("keeps per-stream order for 1,000 messages over 10 streams", function()
    local server, client, assoc, sid = H.pair()
    local STREAMS, PER_STREAM, BATCH = 10, 100, 100
    local TOTAL = STREAMS * PER_STREAM
    assert.is_true(assoc.outbound_streams >= STREAMS,
      "association has only " .. tostring(assoc.outbound_streams) .. " outbound streams")
    local sent = 0
    local next_seq, last_ssn, received = {}, {}, 0
    for s = 0, STREAMS - 1 do next_seq[s] = 1 end
    local out_seq = {}
    for s = 0, STREAMS - 1 do out_seq[s] = 1 end
    -- batches, so that a single thread never fills both socket buffers
    while sent < TOTAL do
      for _ = 1, BATCH do
        local s = sent % STREAMS
        H.must(client:send(assoc, s, string.format("%d:%d", s, out_seq[s])))
        out_seq[s] = out_seq[s] + 1
        sent = sent + 1
      end
      while received < sent do
        local _, _, anc, data = H.expect_data(server)
        local info = H.info(anc)
        local s, seq = data:match("^(%d+):(%d+)$")
        s, seq = tonumber(s), tonumber(seq)
        assert.equal(s, info.stream, "payload " .. data .. " on stream " .. tostring(info.stream))
        assert.equal(sid, info.assoc_id)
        assert.equal(next_seq[s], seq, "stream " .. s .. " out of order")
        if last_ssn[s] then
          assert.equal(last_ssn[s] + 1, info.ssn, "ssn on stream " .. s)
        end
        last_ssn[s] = info.ssn
        next_seq[s] = seq + 1
        received = received + 1
      end
    end
    for s = 0, STREAMS - 1 do
      assert.equal(PER_STREAM + 1, next_seq[s])
    end
  end)

  it("serves 50 associations on one server socket, each with its own assoc_id", function()
    local N = 50
    local server = H.server()
    local port = H.port_of(server)
    local clients, assocs, cports = {}, {}, {}
    for i = 1, N do
      clients[i] = H.client()
      cports[i] = H.port_of(clients[i])
      assocs[i] = H.must(clients[i]:connect("127.0.0.1", port, nil, H.TIMEOUT))
      H.must(clients[i]:send(assocs[i], 0, "hello from " .. i))
    end

    local up, seen, ups = {}, {}, 0
    local datas = 0
    while datas < N do
      local ip, cport, anc, data = H.next_msg(server)
      assert.is_not_nil(data, "server recv failed: " .. tostring(cport) .. " " .. tostring(anc))
      if sctp.is_event(data) then
        assert.equal("assoc_change", data.event)
        assert.equal("comm_up", data.state)
        assert.is_nil(up[data.assoc_id], "assoc_id " .. tostring(data.assoc_id) .. " reused")
        up[data.assoc_id] = true
        ups = ups + 1
      else
        local i = tonumber(data:match("^hello from (%d+)$"))
        assert.is_number(i, "unexpected data " .. H.show(data))
        local id = H.info(anc).assoc_id
        assert.is_true(up[id], "data before comm_up on assoc " .. tostring(id))
        assert.is_nil(seen[id], "two clients on assoc_id " .. tostring(id))
        assert.equal(cports[i], cport)
        seen[id] = i
        datas = datas + 1
        H.must(server:send(id, 0, "reply to " .. i))
      end
    end
    assert.equal(N, ups)

    for i = 1, N do
      local _, _, anc, data = H.expect_data(clients[i])
      assert.equal("reply to " .. i, data)
      assert.equal(assocs[i].assoc_id, H.info(anc).assoc_id)
    end
  end)
end)

describe("send failures", function()
  after_each(H.cleanup)

  it("refuses a message larger than sndbuf with emsgsize", function()
    local server, client, assoc = H.pair(nil, { sndbuf = 65536 })
    local sndbuf = H.must(client:getopts({ "sndbuf" })).sndbuf
    assert.is_number(sndbuf)
    H.fails("emsgsize", true, client:send(assoc, 0, string.rep("x", sndbuf + 1)))
    -- the association is still fine
    H.must(client:send(assoc, 0, "small"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("small", data)
  end)

  it("refuses a stream number beyond the outbound streams with einval", function()
    local server, client, assoc = H.pair()
    H.fails("einval", true, client:send(assoc, assoc.outbound_streams, "x"))
  end)

  it("fails with an error name for an association that does not exist", function()
    local client = H.client()
    H.fails("epipe", true, client:send(987654, 0, "nobody"))
    H.fails("epipe", true, client:send({ assoc_id = 987654, stream = 0 }, "nobody"))
  end)
end)

describe("sock:recv", function()
  after_each(H.cleanup)

  it("returns nil, \"timeout\" after about the time asked when nothing arrives", function()
    local s = H.server()
    local t0 = H.now()
    local ip, err = s:recv(200)
    local elapsed = H.now() - t0
    assert.is_nil(ip)
    assert.equal("timeout", err)
    assert.is_true(elapsed >= 0.15 and elapsed <= 1.5,
      string.format("recv(200) took %.3f s", elapsed))
  end)

  it("with timeout 0 returns nil, \"timeout\" at once when nothing is queued", function()
    local s = H.server()
    local t0 = H.now()
    local ip, err = s:recv(0)
    local elapsed = H.now() - t0
    assert.is_nil(ip)
    assert.equal("timeout", err)
    assert.is_true(elapsed < 0.25, string.format("recv(0) took %.3f s", elapsed))
  end)

  it("with timeout 0 returns a message that is already queued", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "queued"))
    -- wait for it with a timeout first, then send another and fetch with 0
    local _, _, _, data = H.expect_data(server)
    assert.equal("queued", data)
    H.must(client:send(assoc, 0, "queued too"))
    local deadline = H.now() + H.TIMEOUT / 1000
    local got
    repeat
      local ip, port, anc, d = server:recv(0)
      if d ~= nil and not sctp.is_event(d) then got = d end
    until got or H.now() > deadline
    assert.equal("queued too", got)
  end)

  it("returns a message that arrives while it waits", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "soon"))
    local t0 = H.now()
    local _, _, _, data = H.expect_data(server, 2000)
    assert.equal("soon", data)
    assert.is_true(H.now() - t0 < 2)
  end)
end)
