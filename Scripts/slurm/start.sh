#!/usr/bin/env bash
# Starts a single-node Slurm on this machine for tests and trials (as root): a munge key and
# munged, a minimal slurm.conf for this host (its real CPUs and memory, from `slurmd -C`),
# slurmctld and slurmd, all with their state, sockets, logs and pid files in one folder.
#
#   Scripts/slurm/start.sh [STATE_DIR]     (default /tmp/nnsh-slurm)
#   export SLURM_CONF=STATE_DIR/slurm.conf  then sbatch, squeue, scancel reach it
#   Scripts/slurm/stop.sh [STATE_DIR]      stops everything it started and removes the folder
#
# Idempotent: a running cluster in STATE_DIR is left as it is. Ports 16817 and 16818 (set
# NNSH_SLURM_PORT to move them) keep it apart from a system Slurm. Exits non-zero, with the
# reason, when the packages are missing (apt-get install slurm-wlm munge) or a daemon does not
# come up within 30 seconds.
set -euo pipefail
state=${1:-/tmp/nnsh-slurm}
port=${NNSH_SLURM_PORT:-16817}
for tool in munged slurmctld slurmd sinfo; do
  command -v $tool >/dev/null || { echo "slurm/start.sh: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
export SLURM_CONF=$state/slurm.conf
running() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }
if running munged && running slurmctld && running slurmd && sinfo -h >/dev/null 2>&1; then
  echo "slurm/start.sh: already running in $state"; exit 0
fi
"$(dirname "$0")/stop.sh" "$state" >/dev/null 2>&1 || true
mkdir -p "$state"/{ctld,spool,munge}
chmod 700 "$state/munge"
dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$state/munge/munge.key"
munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
  --pid-file="$state/munged.pid" --log-file="$state/munged.log" --seed-file="$state/munge/munge.seed"
host=$(hostname -s)
node=$(slurmd -C | head -1)   # NodeName=<host> CPUs=... RealMemory=...
cat > "$state/slurm.conf" <<CONF
# A single-node Slurm for nnsh's tests (Scripts/slurm/start.sh).
ClusterName=nnsh
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=sched_interval=1
MessageTimeout=10
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -i
slurmd -c
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then
    echo "slurm/start.sh: running in $state ($node); export SLURM_CONF=$state/slurm.conf"; exit 0
  fi
  sleep 0.5
done
echo "slurm/start.sh: the node did not become idle within 30 s; see $state/slurmctld.log and $state/slurmd.log" >&2
sinfo >&2 || true
exit 1
