#!/usr/bin/python3
"""Logarithmic magnitude-only dumps as ML pipelines keep them, run blind through `specrecon infer`.

    bench/log_scales.py SPECRECON WORKDIR

torch.stft (Hann, reflect-centred) of the seven recordings of bench/magnitude_only_matrix.py's
sets "held" and "n256", n_fft 512 and 1024 at hops of a quarter and half the window, stored as
  ln(A)      np.log(|X| + 1e-6)        must read as ln
  log10(P)   np.log10(|X|**2 + 1e-10)  must read as log10_power
  ln(P)      np.log(|X|**2 + 1e-9)     must read as ln_power
(84 dumps). n_fft, hop, the family (Hann) and the scale must be exact. Prints one line per dump,
the count, and the count per storage. Needs python3-numpy, python3-scipy, python3-torch,
espeak-ng and sox.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import magnitude_only_matrix as mm  # noqa: E402


def main():
    exe, work, srcs = mm.seven_recordings_setup(__doc__)
    dump = os.path.join(work, "log_dump.f32")
    per = {}
    for name, (fs, x) in srcs.items():
        for n in (512, 1024):
            for hop in (n // 4, n // 2):
                z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, window=torch.hann_window(n),
                               center=True, pad_mode="reflect", return_complex=True)
                a = z.abs().numpy()
                for kind, d, want in (("ln(A)", np.log(a + 1e-6), "ln"), ("log10(P)", np.log10(a ** 2 + 1e-10), "log10_power"),
                                      ("ln(P)", np.log(a ** 2 + 1e-9), "ln_power")):
                    d.astype("<f4").tofile(dump)
                    got, p = mm.infer(exe, dump, fs)
                    ok = False
                    if got is None:
                        got = f"exit {p.returncode}"
                    else:
                        got = got[:2] + got[3:]  # win_length is not asked here
                        ok = got == (n, hop, "hann", want)
                    per.setdefault(kind, [0, 0])
                    per[kind][0] += ok
                    per[kind][1] += 1
                    print(f"{'ok  ' if ok else 'FAIL'} {name} n_fft {n} hop {hop} {kind}: got {got}", flush=True)
    os.remove(dump)
    print(f"{sum(v[0] for v in per.values())} of {sum(v[1] for v in per.values())} exact; " +
          ", ".join(f"{k} {v[0]} of {v[1]}" for k, v in per.items()))


if __name__ == "__main__":
    main()
