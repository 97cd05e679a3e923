-- wrk script: POST /api/v1/messages with a bearer token. Env: OPSBOT_TOKEN, OPSBOT_TEXT (default a ticket new).
local token = os.getenv("OPSBOT_TOKEN") or ""
local text = os.getenv("OPSBOT_TEXT") or "ticket new bench load p3 #bench"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"user":"alice","chat":"ops-room","text":"' .. text .. '"}'

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
