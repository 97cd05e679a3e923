-- wrk script: one signed Slack slash command (`/ops ticket new …`), the same body each time. Env: OPSBOT_SLACK_BODY,
-- OPSBOT_SLACK_TS and OPSBOT_SLACK_SIG (bench/run signs the body once; Slack's window is 5 minutes). For a server that
-- keeps nothing (Slack Bolt): opsbot would drop every repeat of the trigger_id as a replay.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = os.getenv("OPSBOT_SLACK_TS")
wrk.headers["X-Slack-Signature"] = os.getenv("OPSBOT_SLACK_SIG")
wrk.body = os.getenv("OPSBOT_SLACK_BODY")

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
