#!/bin/bash
# The VM tier's guest agent (a systemd service, see ../init.sh): run each job file <id>.cmd the host
# drops into the shared job folder, as root, with bash; write <id>.out, <id>.err, then <id>.rc
# (the exit code, renamed into place last: its presence means the job is done). 9p has no
# inotify, hence the poll. Jobs run concurrently.
set -u
cd "$1" || exit 1
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
echo "$(date +%s.%N)" > agent.up
shopt -s nullglob
while :; do
  for f in *.cmd; do
    id=${f%.cmd}
    mv "$f" "$id.run" 2>/dev/null || continue
    ( bash "$id.run" > "$id.out" 2> "$id.err" < /dev/null; echo $? > "$id.rc.tmp"; mv "$id.rc.tmp" "$id.rc" ) &
  done
  sleep 0.05
done
