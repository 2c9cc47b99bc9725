-- options.lua: the command-line parser the examples diameter_peer.lua,
-- diameter_server.lua and m3ua_asp.lua share: "--name VALUE" pairs (a dash
-- in a name is an underscore in the table) and positional words.
--
--   local opt, positional = require("options")(arg, spec, defaults, die)
--
-- `spec` maps each known name to "string" or "number" (a whole number, 0
-- or more); `defaults` gives the starting values; `die(fmt, ...)` reports a
-- bad command line and exits.
return function(argv, spec, defaults, die)
  local opt, positional = {}, {}
  for k, v in pairs(defaults) do opt[k] = v end
  local i = 1
  while i <= #argv do
    local key = argv[i]:match("^%-%-([%w-]+)$")
    if key then
      key = key:gsub("-", "_")
      if not spec[key] then die("unknown option %s", argv[i]) end
      local v = argv[i + 1]
      if v == nil then die("%s needs a value", argv[i]) end
      if spec[key] == "number" then
        v = tonumber(v)
        if not v or v < 0 or v % 1 ~= 0 then die("%s needs a whole number, got %s", argv[i], argv[i + 1]) end
      end
      opt[key] = v
      i = i + 2
    else
      positional[#positional + 1] = argv[i]
      i = i + 1
    end
  end
  return opt, positional
end
