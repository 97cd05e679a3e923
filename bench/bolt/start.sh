# Sourced by bench/run and bench/run_slack, after bench/lib.sh (wait_up).
# start_bolt PORT LOGDIR SECRET: installs Bolt when needed (bench/bolt/setup), starts bench/bolt/app.js on PORT
# in the background (a job of the caller's shell) and waits until it answers; sets bolt_pid and bolt_label.
# When it cannot, it prints why and returns 1: the caller skips the Bolt row and goes on.
start_bolt() {
  local port=$1 logs=$2 secret=$3
  if ! bench/bolt/setup >"$logs/bolt-setup.log" 2>&1; then
    echo "Slack Bolt: skipped, bench/bolt/setup failed (it needs Node.js >= 18, npm and the npm registry):"
    tail -3 "$logs/bolt-setup.log"
    return 1
  fi
  OPSBOT_SLACK_SIGNING_SECRET=$secret node bench/bolt/app.js "$port" >/dev/null 2>"$logs/bolt.log" &
  bolt_pid=$!
  if ! wait_up "$port" "$bolt_pid"; then
    echo "Slack Bolt: skipped, it did not start:"
    tail -3 "$logs/bolt.log"
    kill "$bolt_pid" 2>/dev/null || true
    return 1
  fi
  local version
  version=$(node -p "require('./bench/bolt/node_modules/@slack/bolt/package.json').version")
  bolt_label="Slack Bolt $version (Node $(node --version)), no store"
}
