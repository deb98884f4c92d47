#!/bin/sh
# Make the source recordings used by make_samples.py, with real tools:
#   speech16k.wav : espeak-ng speech, resampled by sox to mono 16000 Hz 16-bit,
#                   cut/padded to exactly 26001 samples (1.625 s; ends in digital silence)
#   noisy22k.wav  : espeak-ng speech at its native 22050 Hz mixed with low-level
#                   pink noise from sox (no digital silence anywhere), mono 16-bit,
#                   exactly 30871 samples (1.4 s)
# Deterministic: espeak-ng is deterministic; sox runs with -R (repeatable mode: fixed
# seed for the noise generator) and -D (no dither).
# Needs: espeak-ng, sox  (apt-get install espeak-ng sox)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/source"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. speech16k.wav
espeak-ng -v en-us -s 190 -w "$tmp/quick22k.wav" "The quick brown fox jumps."
sox -R -D "$tmp/quick22k.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out/speech16k.wav" \
    rate -v 16000 trim 0 26001s

# 2. noisy22k.wav
espeak-ng -v en-us -s 220 -w "$tmp/ships22k.wav" "Seven ships sailed home."
sox -R -D "$tmp/ships22k.wav" -b 32 -e floating-point "$tmp/ships22k_f.wav" trim 0 30871s
sox -R -D -r 22050 -c 1 -n -b 32 -e floating-point "$tmp/pink.wav" synth 30871s pinknoise vol 0.01
sox -R -D -m -v 1 "$tmp/ships22k_f.wav" -v 1 "$tmp/pink.wav" -r 22050 -c 1 -b 16 -e signed-integer "$out/noisy22k.wav"

# check exact lengths (trim gives fewer samples if espeak-ng ever speaks faster)
for spec in speech16k:26001 noisy22k:30871; do
    f=${spec%%:*}; n=${spec#*:}
    got=$(soxi -s "$out/$f.wav")
    if [ "$got" != "$n" ]; then echo "make_sources.sh: $f.wav has $got samples, expected $n" >&2; exit 1; fi
done
for f in speech16k noisy22k; do
    printf '%s: ' "$f"; soxi "$out/$f.wav" | awk -F': ' '/Sample Rate|Duration|Precision/ {printf "%s; ", $2}'; echo
done
