#!/usr/bin/python3
"""Magnitude-only dumps whose window is shorter than n_fft (zero-padded frames): scipy.signal.stft
(|Z|, nperseg=L, nfft=N) and torch.stft (|Z|^2, win_length=L, reflect-centred), Hann, Hamming and
Blackman, (N, L) of (512, 256), (1024, 400), (1024, 512), (2048, 1024), hops L/4 and L/2, on
samples/source speech16k and noisy22k and the espeak-ng sentence of magnitude_only_matrix's "tuned"
set (144 dumps). `specrecon infer DUMP --json --sample-rate FS` must give n_fft, hop, win_length,
window family and magnitude scale exactly. Prints one line per dump and the count.

    bench/short_windows.py SPECRECON WORKDIR
"""
import os
import sys

import numpy as np
import scipy.signal as sg
import torch

import magnitude_only_matrix as matrix

FAMILIES = ("hann", "hamming", "blackman")
TORCH_WINDOWS = {"hann": torch.hann_window, "hamming": torch.hamming_window, "blackman": torch.blackman_window}


def dump_of(tool, x, fs, family, n, wl, hop):
    """The magnitude a tool writes for window `family` of wl samples in frames of n at `hop`: scipy
    |Z| (nperseg=wl, nfft=n), torch |Z|^2 (win_length=wl, reflect-centred), bins x frames."""
    if tool == "scipy":
        return np.abs(sg.stft(x, fs, window=family, nperseg=wl, noverlap=wl - hop, nfft=n)[2])
    z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, win_length=wl,
                   window=TORCH_WINDOWS[family](wl), center=True, pad_mode="reflect", return_complex=True)
    return (z.abs() ** 2).numpy()


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    srcs = matrix.sources(work, "tuned")
    total = right = 0
    for name in ("speech16k", "noisy22k", "sentence16k"):
        fs, x = srcs[name]
        for family in FAMILIES:
            for n, wl in ((1024, 512), (1024, 400), (2048, 1024), (512, 256)):
                for hop in (wl // 4, wl // 2):
                    for tool in ("scipy", "torch"):
                        m = dump_of(tool, x, fs, family, n, wl, hop)
                        dump = os.path.join(work, f"{name}_{tool}_{family}{wl}_in{n}_hop{hop}.f32")
                        m.astype("<f4").tofile(dump)
                        got, p = matrix.infer(exe, dump, fs)
                        os.remove(dump)
                        total += 1
                        if got is None:
                            print(f"FAIL {os.path.basename(dump)}: exit {p.returncode}", flush=True)
                            continue
                        ok = got == (n, hop, wl, family, "linear" if tool == "scipy" else "power")
                        right += ok
                        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(dump)} {got}", flush=True)
    print(f"{right} of {total} exact")


if __name__ == "__main__":
    main()
