#!/usr/bin/env bash
# Stops the single-node Slurm that Scripts/slurm/start.sh started in STATE_DIR (default
# /tmp/nnsh-slurm): slurmd, slurmctld, then munged, each by its pid file; then removes the folder.
# Safe to run when nothing is running.
set -uo pipefail
state=${1:-/tmp/nnsh-slurm}
[ -d "$state" ] || exit 0
for daemon in slurmd slurmctld munged; do
  pidfile="$state/$daemon.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
done
rm -rf "$state"
echo "slurm/stop.sh: stopped; removed $state"
