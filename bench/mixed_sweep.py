#!/usr/bin/python3
"""Seeded random magnitude-only dumps over the fourteen recordings of magnitude_only_matrix's sets
"tuned", "fresh", "held" and "music" (held's German replaces fresh's), wider than the matrix: (n_fft, win_length) of (256, 256),
(512, 512), (1024, 1024), (2048, 2048), (512, 256), (1024, 400), (1024, 512), (2048, 1024)
(at 8 kHz, sizes above 1024 become (256, 256)), hops of 1/2, 1/4 and 1/8 of the window, scipy |Z| or torch |Z|^2,
Hann, Hamming or Blackman. `specrecon infer DUMP --json --sample-rate FS` must give n_fft, hop,
win_length and family exactly. Prints one line per case (what was read: n_fft, hop, win_length,
family), then the counts: exact, n_fft right, hop right.

    bench/mixed_sweep.py SPECRECON WORKDIR SEED COUNT [INDEX,...]

INDEX,... reruns only those cases of the seed. Needs what magnitude_only_matrix.py needs.
"""
import os
import random
import sys

import magnitude_only_matrix as matrix
import short_windows

SIZES = ((256, 256), (512, 512), (1024, 1024), (2048, 2048), (512, 256), (1024, 400), (1024, 512), (2048, 1024))


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    exe, work, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    only = {int(v) for v in sys.argv[5].split(",")} if len(sys.argv) > 5 else None
    os.makedirs(work, exist_ok=True)
    srcs = matrix.fourteen_recordings(work)
    names = sorted(srcs)
    rng = random.Random(seed)
    total = exact = layout_right = hop_right = 0
    for i in range(count):
        name = rng.choice(names)
        fs, x = srcs[name]
        n, wl = rng.choice(SIZES)
        if fs < 10000 and n > 1024:
            n, wl = 256, 256
        hop = wl // rng.choice((2, 4, 8))
        tool = rng.choice(("scipy", "torch"))
        family = rng.choice(short_windows.FAMILIES)
        if only is not None and i not in only:
            continue
        m = short_windows.dump_of(tool, x, fs, family, n, wl, hop)
        dump = os.path.join(work, f"case{i}.f32")
        m.astype("<f4").tofile(dump)
        report, p = matrix.infer(exe, dump, fs)
        os.remove(dump)
        total += 1
        case = f"{i} {name} {tool} {family} n_fft {n} win {wl} hop {hop}"
        if report is None:
            print(f"FAIL {case}: exit {p.returncode}", flush=True)
            continue
        got = report[:4]  # n_fft, hop, win_length, family (the scale is not drawn here)
        ok = got == (n, hop, wl, family)
        exact += ok
        layout_right += got[0] == n
        hop_right += got[0] == n and got[1] == hop
        print(f"{'ok  ' if ok else 'FAIL'} {case}: got {got}", flush=True)
    print(f"{exact} of {total} exact; layout (n_fft) right {layout_right}, hop right {hop_right}")


if __name__ == "__main__":
    main()
