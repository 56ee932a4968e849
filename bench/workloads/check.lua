-- wrk script: sends the requests of the workload (WRK_METHOD, WRK_BODY_FILE, WRK_PATH_FILE or WRK_PATH from the
-- environment), counts every response that is not a 200 or whose body carries GraphQL errors, and prints one JSON line
-- of results. The body file and the path file hold one request a line: with more than one, each connection takes
-- them in turn from a place of its own, so that the keys rotate (a dashboard over many countries, searches for many
-- words) and no single cached answer flatters a side.
local method = os.getenv("WRK_METHOD") or "GET"
local path = os.getenv("WRK_PATH") or "/"

local function lines_of(name)
  local out = {}
  if name and name ~= "" then
    for line in io.lines(name) do
      if line ~= "" then table.insert(out, line) end
    end
  end
  return out
end

local bodies = lines_of(os.getenv("WRK_BODY_FILE"))
local paths = lines_of(os.getenv("WRK_PATH_FILE"))
if #paths == 0 then paths = { path } end
local body = bodies[1]

-- The body is searched with libc's strstr through LuaJIT's FFI (wrk embeds LuaJIT; a Lua string always ends in a NUL
-- byte). string.find stops at every '"' of the JSON and compares from there: on the 13 kB country page that cost wrk
-- about 14 us a response, enough to make wrk, not the server, the bound on the cached workload. memmem did better
-- (2.3 us) but has no vector code in this glibc, and was still 7% of the machine's time on the cached workload;
-- strstr has (0.4 us, and strlen 0.1 us). strstr stops at a NUL byte, which no JSON text holds unescaped: a body
-- with one anyway is searched whole with memmem.
local ffi = require("ffi")
ffi.cdef [[
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
char *strstr(const char *haystack, const char *needle);
size_t strlen(const char *s);
]]

local function contains(text, needle)
  if ffi.C.strlen(text) == #text then
    return ffi.C.strstr(text, needle) ~= nil
  end
  return ffi.C.memmem(text, #text, needle, #needle) ~= nil
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local turn = 0

function init(args)
  failures = 0
  responses = 0
  first_failure = ""
  turn = math.random(0, 9973)
end

wrk.method = method
wrk.path = paths[1]
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json, application/json"

-- With one request only, wrk writes it out once per thread; with several, each is formatted as its turn comes
-- (about a microsecond of wrk's CPU a request, the same for both servers).
if #bodies > 1 or #paths > 1 then
  function request()
    turn = turn + 1
    local b = nil
    if #bodies > 0 then b = bodies[(turn % #bodies) + 1] end
    return wrk.format(method, paths[(turn % #paths) + 1], nil, b)
  end
end

function response(status, headers, text)
  responses = responses + 1
  local ok = status == 200
  if ok and paths[1] ~= "/health/live" then
    -- A GraphQL answer must hold data and no error.
    ok = not contains(text, '"errors"') and contains(text, '"data"')
  end
  if not ok then
    failures = failures + 1
    if first_failure == "" then first_failure = status .. " " .. text:sub(1, 200) end
  end
end

function done(summary, latency, requests)
  local failures, responses, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failures")
    responses = responses + thread:get("responses")
    local f = thread:get("first_failure")
    if first == "" and f ~= "" then first = f:gsub('[%c"\\]', ' ') end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"failures":%d,"socket_errors":%d,"first_failure":"%s"}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failures, errors, first))
end
