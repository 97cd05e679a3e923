# Shell helpers shared by the bench/run* scripts (sourced, not run).
# shellcheck shell=bash

# listens PID PORT: whether process PID holds a socket listening on PORT (IPv4 or IPv6: Node listens on ::),
# read from /proc.
listens() {
  local inode hex fds
  hex=$(printf '%04X' "$2")
  fds=$(ls -l "/proc/$1/fd" 2>/dev/null) || return 1
  for inode in $(awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    [[ $fds == *"socket:[$inode]"* ]] && return 0
  done
  return 1
}

# wait_up PORT PID: waits up to 5 s until process PID listens on PORT and answers /healthz there. Fails with
# a message when PID exits first or another process holds the port: a server left over from an earlier run
# would otherwise answer the load, and its figures would be taken for this run's.
wait_up() {
  local port=$1 pid=$2
  for _ in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: the server for port $port exited; is the port taken? (ss -ltnp 'sport = :$port')" >&2
      return 1
    fi
    if listens "$pid" "$port" && curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.05
  done
  echo "bench: nothing answered as process $pid on port $port within 5 s" >&2
  return 1
}

# field NAME LINE: the number after "NAME=" in a RESULT line.
field() { sed "s/.*$1=\([0-9.]*\).*/\1/" <<<"$2"; }

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# cpu_ticks PID: the user and system CPU process PID has used, in clock ticks (getconf CLK_TCK a second).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# peak_rss_mb PID: the peak resident memory of process PID, in MB.
peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
