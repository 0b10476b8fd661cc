#!/usr/bin/env bash
# Re-creates the viewport captures in this folder: runs `loop demo` with its viewport on a private
# tmux server, shows it in a 200×50 terminal (a client of a second private server), and captures
# what that terminal shows once the first review starts, then be1's pane zoomed (`loop attach be1`).
#   docs/viewport/capture.sh        (after npm ci; needs tmux)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/viewport
inner="loop-capture-$$"
outer="loop-capture-term-$$"
scratch=$(mktemp -d)
trap 'tmux -L "$inner" kill-server 2>/dev/null || true; tmux -L "$outer" kill-server 2>/dev/null || true; rm -rf "$scratch"' EXIT

LOOP_TMUX_SOCKET=$inner LOOP_HOME=$scratch/home node dist/src/cli/main.js demo --dir "$scratch/demo" --tmux > "$scratch/demo.log" 2>&1 &
until tmux -L "$inner" has-session -t '=loop-sandbox-demo:' 2>/dev/null; do sleep 0.2; done
tmux -L "$outer" -f /dev/null new-session -d -s term -x 200 -y 50 "env -u TMUX tmux -L $inner attach -t =loop-sandbox-demo:"
# once the critic is reviewing the first change: the engineers' work, the gate's verdict and the review on one screen
until ls "$scratch/demo/.loop/runs/demo/logs/"*.review.log > /dev/null 2>&1; do sleep 0.2; done
sleep 0.5
tmux -L "$outer" capture-pane -p -e -t '=term:' > "$out/team.ansi"
tmux -L "$outer" capture-pane -p -t '=term:' > "$out/team.txt"
LOOP_TMUX_SOCKET=$inner node dist/src/cli/main.js attach be1 --run demo -c "$scratch/demo/loop.sim.yaml" < /dev/null > /dev/null 2>&1 || true
tmux -L "$inner" resize-pane -Z -t "$(tmux -L "$inner" list-panes -s -t '=loop-sandbox-demo:' -F '#{pane_id} #{@loop-role}' | awk '$2=="be1"{print $1}')" 2>/dev/null || true
until grep -q 'merged' <(tmux -L "$outer" capture-pane -p -t '=term:'); do sleep 0.2; done
sleep 1
tmux -L "$outer" capture-pane -p -e -t '=term:' > "$out/be1-zoomed.ansi"
tmux -L "$outer" capture-pane -p -t '=term:' > "$out/be1-zoomed.txt"
wait
cp "$scratch/demo.log" "$out/demo-output.txt"
echo "captured into $out"
