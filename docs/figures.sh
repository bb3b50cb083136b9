#!/usr/bin/env bash
# figures.sh regenerates every figure README.md quotes, from recnet's own
# commands, and writes each one into the README in place.
#
#   bash docs/figures.sh            # every figure (about 25 minutes on 2 cores)
#   bash docs/figures.sh train cv   # only these
#   bash docs/figures.sh --list     # the names and their commands
#
# A figure is the output of one command, quoted verbatim in README.md between
#   <!-- figure NAME -->  and  <!-- /figure -->
# in a fenced block; the command itself is printed above the output. Numbers
# that depend only on the data and the seed (RMSE, HR@10, ...) are the same
# on every machine; times and rates are from the one run that wrote the
# figure, and the README says so beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/recnet" ./cmd/recnet
export PATH="$work:$PATH"

# name|command|cut: the command runs in $work with recnet on PATH; its output,
# piped through the optional cut (which only leaves lines out), is the figure.
# The block shows the command, and "(cut: WHAT)" when lines were left out.
epochs="awk '/^Epoch/ { if (!n++) print; else last = \$0; next } last != \"\" { if (n > 2) print \"...\"; print last; last = \"\" } { print }'"
summary="sed -n '/^Summary/,\$p'"
tuned="sed -n '/^searched/,\$p'"
# The real development data, MovieLens' ml-latest-small (../shared/data, or
# RECNET_MLS naming its ratings.csv), is linked into $work as
# ml-latest-small/ratings.csv for the figures that read it.
mls=${RECNET_MLS:-$root/../shared/data/ml-latest-small/ratings.csv}
if [ -f "$mls" ]; then mkdir "$work/ml-latest-small" && ln -s "$(realpath "$mls")" "$work/ml-latest-small/ratings.csv"; fi
# loo keeps, of several eval --protocol loo reports one after another, the
# data and hold-out lines once and each report's model, column-header and
# score lines.
loo="awk '/^(data |leave-latest-out)/ && seen[\$1]++ { next } /^(data |leave-latest-out|model |recnet |most popular| +HR@10)/'"
figures=(
  "train|recnet train -q|$epochs"
  "train-seed|recnet train -q --preset seed|$epochs"
  "train-adagrad|recnet train -q --optimizer adagrad|$epochs"
  "cv|recnet cv 2>/dev/null|$summary"
  "tune10|recnet tune --trials 10 --seed 42 2>/dev/null|$tuned"
  "eval|recnet train -q --out m.recnet >/dev/null && recnet eval --model m.recnet|sed -n '/^top-/,\$p'"
  "ncf|recnet eval --protocol ncf -q 2>/dev/null|sed -n '/^NCF protocol/,\$p'"
  "explain|recnet train -q --out m.recnet >/dev/null && recnet recommend --model m.recnet --user 328666 -k 3 --explain && recnet recommend --model m.recnet --rated PY0101EN=5,DS0101EN=5 -k 3 --explain|"
  "tune-dot|recnet tune --kind dot --trials 20 --seed 42 2>/dev/null|$tuned"
  "tune-mlp|recnet tune --kind mlp --trials 20 --seed 42 2>/dev/null|$tuned"
  "tune-neumf|recnet tune --kind neumf --trials 20 --seed 42 2>/dev/null|$tuned"
  "tune-dot-implicit|recnet tune --kind dot --task implicit --trials 20 --seed 42 2>/dev/null|$tuned"
  "tune-mlp-implicit|recnet tune --kind mlp --task implicit --trials 20 --seed 42 2>/dev/null|$tuned"
  "tune-neumf-implicit|recnet tune --kind neumf --task implicit --trials 20 --seed 42 2>/dev/null|$tuned"
  "implicit-real|for k in dot mlp neumf ials ease; do recnet eval --protocol loo --data ml-latest-small/ratings.csv --kind \$k --task implicit -q 2>/dev/null && continue; exit 1; done|$loo"
  "foldin|cd '$root' && go test -count=1 -v -run 'FoldInMatchesTrainedIn' ./model/|grep -E 'overlap' | sed 's/^ *//'"
  "implicit-known|cd '$root' && go test -count=1 -v -run TestImplicitKnownAnswer ./train/|grep -E 'HR@10' | sed 's/^ *//'"
  "load|recnet train -q --out m.recnet >/dev/null && { recnet serve --model m.recnet --addr 127.0.0.1:18080 >/dev/null 2>&1 & sleep 2; recnet load --model m.recnet --addr http://127.0.0.1:18080 -n 20000 -c 32; s=\$?; kill %1; exit \$s; }|"
  "load-formats|recnet gen --shape ml25m --out ml25m.csv && recnet gen --shape ml25m --out ml25m.parquet && recnet gen --shape ml25m --out ml25m.db && ls -l ml25m.* && for f in ml25m.csv ml25m.parquet sqlite:ml25m.db; do recnet bench --data \$f --epochs 0 --threads 1 --optimizer adam 2>/dev/null; done|grep -E '^-|^data|^peak'"
  "bench|recnet bench --shape ml25m --epochs 3 --repeat 3 --threads 1,2 --optimizer adam,adagrad,blocked 2>/dev/null|grep -v '^repeat'"
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${figures[@]}" | sed 's/|/\t/'
  exit 0
fi

want=" $* "
ran=0
for f in "${figures[@]}"; do
  name=${f%%|*}
  rest=${f#*|}
  cmd=${rest%%|*}
  cut=${rest#*|}
  if [ $# -gt 0 ] && [[ $want != *" $name "* ]]; then
    continue
  fi
  grep -q "<!-- figure $name -->" README.md || { echo "figures: README.md has no <!-- figure $name --> block" >&2; exit 1; }
  echo "figure $name: $cmd" >&2
  out=$(cd "$work" && bash -o pipefail -c "$cmd" | bash -c "${cut:-cat}")
  # The block: the command a reader types, then its output.
  shown=$(sed -e "s#cd '$root' \&\& ##" -e 's# 2>/dev/null##g' <<<"$cmd")
  [ -z "$cut" ] || shown="$shown    # (cut: only some lines shown)"
  block="$work/$name.block"
  { echo '```'; echo "\$ $shown"; echo "$out"; echo '```'; } >"$block"
  awk -v name="$name" -v block="$block" '
    $0 == "<!-- figure " name " -->" { print; while ((getline l < block) > 0) print l; skip = 1; next }
    skip && $0 == "<!-- /figure -->" { skip = 0 }
    !skip { print }
  ' README.md >"$work/README.md"
  cat "$work/README.md" >README.md
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "figures: no figure named: $*" >&2; exit 2; }
echo "figures: $ran written into README.md" >&2
