#!/usr/bin/python3
"""Seeded random dumps with the tools' less common options, run blind through specrecon.

    bench/exotic_sweep.py SPECRECON WORKDIR SEED COUNT [INDEX,...]

The recordings are those of bench/wild_sweep.py. Each case draws:
  scipy.signal.stft with window hann, hamming, blackman, cosine (sine), ('kaiser', beta) or
      ('tukey', alpha); nperseg even or odd; nfft above nperseg (zero-padded) at times;
      boundary None or 'zeros'; padded or not; return_onesided False at times;
  torch.stft with hann, hamming or blackman; win_length below n_fft at times; center with
      'reflect' or 'constant' padding or not centred; normalized at times; onesided=False at
      times;
a hop of 1/2, 1/3, 1/4 or 1/8 of the window; magnitude linear or power; phase in radians or
degrees; bins x frames or frames x bins; float32 or float64 raw, no header.
`specrecon reconstruct MAG PHASE --sample-rate FS` must give n_fft, hop, win_length and family
exactly and an SNR above 60 dB against the recording inside the first and last n_fft samples.
Prints one line per case and the count. Needs python3-numpy, python3-scipy, python3-torch,
espeak-ng and sox.
"""
import os
import sys

import numpy as np
import scipy.signal as sg
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wild_sweep import recordings, run_blind, snr_inside  # noqa: E402


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    exe, work, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    only = set(sys.argv[5].split(",")) if len(sys.argv) > 5 else None
    os.makedirs(work, exist_ok=True)
    srcs = recordings(work)
    rng = np.random.default_rng(seed)
    bad = run = 0
    for i in range(count):
        name = str(rng.choice(list(srcs)))
        fs, x = srcs[name]
        tool = str(rng.choice(["scipy", "torch"]))
        opts = []
        if tool == "scipy":
            fam = str(rng.choice(["hann", "hamming", "blackman", "cosine", "kaiser", "tukey"]))
            win = int(rng.choice([255, 256, 400, 511, 512, 1000, 1024]))
            n_fft = win if rng.random() < 0.7 else int(2 ** np.ceil(np.log2(win + 1)))
            div = int(rng.choice([2, 3, 4, 8]))
            hop = win // div
            window = fam
            param = None
            if fam == "kaiser":
                param = float(rng.choice([5.0, 8.6, 12.0]))
                window = ("kaiser", param)
            elif fam == "tukey":
                param = float(rng.choice([0.25, 0.5]))
                window = ("tukey", param)
            boundary = None if rng.random() < 0.3 else "zeros"
            padded = bool(rng.random() < 0.7)
            onesided = bool(rng.random() < 0.8)
            opts = [f"boundary={boundary}", f"padded={padded}"] + ([] if onesided else ["two-sided"])
            z = sg.stft(x, fs, window=window, nperseg=win, noverlap=win - hop, nfft=n_fft, boundary=boundary,
                        padded=padded, return_onesided=onesided)[2]
            fam = {"cosine": "sine"}.get(fam, fam)
        else:
            fam = str(rng.choice(["hann", "hamming", "blackman"]))
            n_fft = int(rng.choice([256, 400, 512, 1024]))
            win = n_fft if rng.random() < 0.7 else int(n_fft * rng.choice([0.5, 0.75]))
            hop = win // int(rng.choice([2, 3, 4, 8]))
            center = bool(rng.random() < 0.7)
            pad_mode = str(rng.choice(["reflect", "constant"]))
            normalized = bool(rng.random() < 0.3)
            onesided = bool(rng.random() < 0.8)
            param = None
            opts = [f"center={center}" + (f" {pad_mode}" if center else "")] + (["normalized"] if normalized else []) + \
                ([] if onesided else ["two-sided"])
            w = getattr(torch, fam + "_window")(win, dtype=torch.float64)
            z = torch.stft(torch.from_numpy(x), n_fft, hop, win, w, center=center, pad_mode=pad_mode,
                           normalized=normalized, onesided=onesided, return_complex=True).numpy()
        m = np.abs(z)
        scale = "power" if rng.random() < 0.3 else "linear"
        if scale == "power":
            m = m ** 2
        ph = np.angle(z)
        degrees = rng.random() < 0.3
        if degrees:
            ph = np.degrees(ph)
        frames_first = rng.random() < 0.5
        if frames_first:
            m, ph = m.T, ph.T
        dt = "<f4" if rng.random() < 0.6 else "<f8"
        if only is not None and str(i) not in only:
            continue
        mag, phase = os.path.join(work, "mag.bin"), os.path.join(work, "phase.bin")
        m.astype(dt).tofile(mag)
        ph.astype(dt).tofile(phase)
        err, r, got = run_blind(exe, [mag, phase], work, fs)
        desc = (f"{i} {name} {tool} {fam}{'' if param is None else f'({param})'} n_fft {n_fft} win {win} hop {hop} "
                f"{' '.join(opts)} {scale} {'frames x bins' if frames_first else 'bins x frames'} {dt}"
                f"{' degrees' if degrees else ''}")
        run += 1
        if err:
            print(f"FAIL {desc}: {err}", flush=True)
            bad += 1
            continue
        snr = snr_inside(x, work, n_fft)
        ok = got == (n_fft, hop, win, fam) and snr > 60
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {desc}: got {got}, {r['magnitude_scale']['kind']}, {r['phase_units']}, "
              f"SNR {snr:.1f} dB", flush=True)
    print(f"{run - bad} of {run} right")


if __name__ == "__main__":
    main()
