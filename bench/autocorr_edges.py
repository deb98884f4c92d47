#!/usr/bin/python3
"""The edge of the frames' autocorrelation against the window family, for windows shorter than
n_fft: scipy |Z| (nfft=N) and torch |Z|^2 (win_length=L), Hann, Hamming and Blackman at (N, L)
of (512, 256), (1024, 400), (1024, 512) and (2048, 1024), hops L/4 and L/2, on speech16k,
noisy22k and the five recordings of magnitude_only_matrix's set "held" (336 dumps). Reads the
edge specrecon logs (`infer -v`: "beyond lag K (a hard|tapered edge)") and prints one line per
dump, then a count per family and edge: a window with a pedestal (Hamming) should end the
autocorrelation abruptly (hard), one tapering to zero (Hann, Blackman) should let it fade.

    bench/autocorr_edges.py SPECRECON WORKDIR
"""
import os
import re
import sys
from collections import Counter

import magnitude_only_matrix as m
from short_windows import FAMILIES, dump_of


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    srcs = {"speech16k": m.read(os.path.join(m.SOURCE, "speech16k.wav")),
            "noisy22k": m.read(os.path.join(m.SOURCE, "noisy22k.wav"))}
    srcs.update(m.sources(work, "held"))
    counts = Counter()
    dump = os.path.join(work, "edge.f32")
    for name, (fs, x) in srcs.items():
        for n, wl in ((512, 256), (1024, 400), (1024, 512), (2048, 1024)):
            for family in FAMILIES:
                for hop in (wl // 4, wl // 2):
                    for tool in ("scipy", "torch"):
                        dump_of(tool, x, fs, family, n, wl, hop).astype("<f4").tofile(dump)
                        p = m.infer_log(exe, dump, fs)
                        found = re.search(r"beyond lag (\d+) \(a (\w+) edge\)", p.stderr)
                        edge = found.group(2) if found else "none"
                        counts[(family, edge)] += 1
                        print(f"{name} {tool} {family} {wl} in {n} hop {hop}: last lag {found.group(1) if found else '-'}, {edge}",
                              flush=True)
    os.remove(dump)
    for (family, edge), k in sorted(counts.items()):
        print(f"{family} {edge}: {k}")


if __name__ == "__main__":
    main()
