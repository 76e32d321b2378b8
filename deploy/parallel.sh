#!/bin/sh
# N shards of one batch with GNU parallel, on one machine or several (--sshlogin), with no
# coordinator: every shard lists the same inputs and takes its own share. Each shard's report
# goes to report-K.jsonl; the exit status says whether any page failed.
#
#   deploy/parallel.sh s3://recordings/exports/ s3://recordings/pages/ 8
#
# On one machine, one process already uses every core: shards pay off across machines, e.g.
#   parallel --sshlogin 4/worker1,4/worker2 ... (with replay-html and the AWS_* variables there).
set -eu
inputs=${1:?inputs (a folder, prefix or pattern)}
out_dir=${2:?the folder or prefix for the pages}
shards=${3:-4}
seq 1 "$shards" | parallel --halt never --line-buffer \
  replay-html bundle "$inputs" --out-dir "$out_dir" --shard "{}/$shards" --report "report-{}.jsonl"
