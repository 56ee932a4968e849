-- wrk script: sends the request of the workload (WRK_METHOD, WRK_BODY_FILE, WRK_PATH from the environment), counts
-- every response that is not a 200 or whose body carries GraphQL errors, and prints one JSON line of results.
local method = os.getenv("WRK_METHOD") or "GET"
local path = os.getenv("WRK_PATH") or "/"
local body_file = os.getenv("WRK_BODY_FILE")
local body = nil
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "r"))
  body = f:read("*a")
  f:close()
end

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

function init(args)
  failures = 0
  responses = 0
  first_failure = ""
end

-- One request, the same each time: wrk writes it out once per thread, instead of calling Lua to format it anew for
-- every request (which cost wrk about 1 us of CPU a request, taken from the server on two cores).
wrk.method = method
wrk.path = path
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json, application/json"

function response(status, headers, text)
  responses = responses + 1
  local ok = status == 200
  if ok and path ~= "/health/live" then
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
