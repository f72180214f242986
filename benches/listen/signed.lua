-- wrk script: each request carries the next precomputed Authorization
-- header of HEADERS (one a line, each with its own nonce); thread k of n
-- takes lines k, k+n, k+2n… so no nonce is sent twice. TARGET and BODY are
-- the request target and form body the headers were signed for.
local headers_file = os.getenv("HEADERS")
local target = os.getenv("TARGET")
local body = os.getenv("BODY")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("THREADS"))
  auths = {}
  local i = 0
  for line in io.lines(headers_file) do
    if i % n == id then
      auths[#auths + 1] = line
    end
    i = i + 1
  end
  next_auth = 1
end

function request()
  local auth = auths[next_auth]
  if auth == nil then
    -- Out of fresh nonces: repeat the last (answered nonce_used, a non-2xx).
    auth = auths[#auths]
  else
    next_auth = next_auth + 1
  end
  return wrk.format("POST", target, {
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
