#!/usr/bin/python3
"""The top quarter of the frames' spectra against the window family, for windows as long as the
frame: scipy |Z| and torch |Z|^2 (reflect-centred), Hann, Hamming and Blackman of 256, 400 and
1024 at hops of a quarter and half the window, on the recordings of magnitude_only_matrix's sets
"tuned", "fresh", "held" and "music", each as it is and with a DC offset of 5% of its peak (which
scipy's zero padding turns into a step in the first and last frames): 1008 dumps.

Reads what specrecon logs (`infer -v`: "of L loud frames, S end their spectrum in a step's tail
... and B lie there 20 dB under the step a Hamming window would leave[: verdict]") and prints one
line per dump, then per family: the verdicts (pedestal, tapers, none), the most smooth frames of
a tapering window's dump (count and fraction of the loud ones), and the largest fraction of a
Hamming dump's loud frames that lay under its own step, over the dumps whose magnitude scale was
read right (scipy linear, torch power; the others are counted apart: under a wrong scale the
band is read at twice or half its depth). A pedestal (Hamming) should never be called
tapering, nor a tapering window (Hann, Blackman) a pedestal.

    bench/wrap_tails.py SPECRECON WORKDIR
"""
import json
import os
import re
from collections import Counter, defaultdict

import magnitude_only_matrix as m
from short_windows import FAMILIES, dump_of


def main():
    exe, work, srcs = m.fourteen_recordings_setup(__doc__)
    verdicts = Counter()
    smooth_max = defaultdict(lambda: (0, 0.0))  # family -> (most smooth frames, their fraction)
    below_max = defaultdict(float)              # family -> largest fraction of loud frames below
    dump = os.path.join(work, "tail.f32")
    for name in sorted(srcs):
        fs, x0 = srcs[name]
        for dc in (0.0, 0.05):
            x = x0 + dc * abs(x0).max()
            for n in (256, 400, 1024):
                for family in FAMILIES:
                    for hop in (n // 4, n // 2):
                        for tool in ("scipy", "torch"):
                            dump_of(tool, x, fs, family, n, n, hop).astype("<f4").tofile(dump)
                            p = m.infer_log(exe, dump, fs)
                            found = re.search(r"of (\d+) loud frames, (\d+) end their spectrum in a step's tail.*? and (\d+) lie there"
                                              r"[^:\n]*(: the window (has a pedestal|tapers to zero))?", p.stderr)
                            case = f"{name} dc {dc} {tool} {family} {n} hop {hop}"
                            if not found:
                                verdicts[(family, "not measured")] += 1
                                print(f"{case}: not measured (exit {p.returncode})", flush=True)
                                continue
                            loud, smooth, below = (int(found.group(i)) for i in (1, 2, 3))
                            verdict = {"has a pedestal": "pedestal", "tapers to zero": "tapers"}.get(found.group(5), "none")
                            scale = json.loads(p.stdout)["magnitude_scale"]["kind"] if p.returncode == 0 else "?"
                            if scale != ("linear" if tool == "scipy" else "power"):
                                # The band was read under a wrong scale (|X|^2 as |X|: twice as deep).
                                verdicts[(family, f"{verdict} (scale read as {scale})")] += 1
                                print(f"{case}: loud {loud}, smooth {smooth}, below {below}: {verdict}, scale read as {scale}", flush=True)
                                continue
                            verdicts[(family, verdict)] += 1
                            if family == "hamming":
                                below_max[family] = max(below_max[family], below / max(1, loud))
                            elif (smooth, smooth / max(1, loud)) > smooth_max[family]:
                                smooth_max[family] = (smooth, smooth / max(1, loud))
                            print(f"{case}: loud {loud}, smooth {smooth}, below {below}: {verdict}", flush=True)
    os.remove(dump)
    for (family, verdict), k in sorted(verdicts.items()):
        print(f"{family} {verdict}: {k}")
    for family, (k, f) in sorted(smooth_max.items()):
        print(f"{family}: at most {k} smooth frames ({f:.3f} of the loud ones)")
    for family, f in sorted(below_max.items()):
        print(f"{family}: at most {f:.3f} of the loud frames under its step")


if __name__ == "__main__":
    main()
