-- SPDX-License-Identifier: Apache-2.0
-- wrk script (run with -t1): POST /token with the next unused grant from
-- $GRANTS, one form body per line. Any answer but 200 is counted and
-- reported, so a run that outlived its grants shows it.
local thread_ref

function setup(thread)
  thread_ref = thread
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("GRANTS")) do
    table.insert(bodies, line)
  end
  next_body = 1
  refused = 0
  wrk.method = "POST"
  wrk.path = "/token"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local body = bodies[next_body] or "grant_type=exhausted"
  next_body = next_body + 1
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", thread_ref:get("refused")))
end
