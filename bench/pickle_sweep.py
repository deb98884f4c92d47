#!/usr/bin/python3
"""Seeded random dumps saved the way PyTorch and plain Python code save them, run blind through
specrecon.

    bench/pickle_sweep.py SPECRECON WORKDIR SEED COUNT

The recordings and STFT tools are those of bench/wild_sweep.py (a French espeak-ng sentence at
16 kHz, sox plucked strings at 22050 Hz; scipy.signal.stft, torch.stft centred or not, numpy
frames; Hann, Hamming or Blackman; n_fft 256-2048, hops of 1/2, 1/4 and 1/8 of the window).
Each case is saved in one of:

  pt_dict     torch.save({mag: z.abs(), phase: z.angle()} [, sr]) of torch tensors: torch keeps
              the STFT's column-major strides through abs() but not through angle()
  pt_complex  torch.save(z), the complex tensor as torch.stft returns it
  pt_power    torch.save(z.abs() ** 2) alone (magnitude only)
  pkl_dict    pickle.dump({magnitude, phase[, sr]}) of numpy arrays, protocol 2, 4 or 5
  pkl_power   pickle.dump(|z| ** 2) alone (magnitude only), protocol 4

With a phase, `specrecon reconstruct FILE` must give n_fft, hop, win_length and family exactly
and an SNR above 60 dB inside the first and last n_fft samples, and the sample rate when the
dict holds one (passed with --sample-rate otherwise). Magnitude-only cases count the
parameters only (n_fft, hop, win_length and family; hops of 1/8 are not drawn for them).
Prints one line per case and the counts. Needs python3-numpy, -scipy, -torch, espeak-ng and sox.
"""
import os
import pickle
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wild_sweep import draw_case, recordings, run_blind, snr_inside, stft_of  # noqa: E402


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    exe, work, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(work, exist_ok=True)
    srcs = recordings(work)
    rng = np.random.default_rng(seed)
    right = {"phase": [0, 0], "magnitude only": [0, 0]}
    for i in range(count):
        name, fs, x, tool, fam, n_fft = draw_case(rng, srcs)
        saved = str(rng.choice(["pt_dict", "pt_complex", "pt_power", "pkl_dict", "pkl_power"]))
        only = saved.endswith("power")
        hop = n_fft // int(rng.choice([2, 4] if only else [2, 4, 8]))
        with_rate = bool(rng.random() < 0.5)
        protocol = int(rng.choice([2, 4, 5]))
        _, _, z = stft_of(tool, fam, x, fs, n_fft, n_fft, hop)
        zt = torch.from_numpy(z) if tool.startswith("torch") else torch.from_numpy(np.ascontiguousarray(z))
        for old in os.listdir(work):
            if old.startswith("dump"):
                os.remove(os.path.join(work, old))
        path = os.path.join(work, "dump.pt" if saved.startswith("pt") else "dump.pkl")
        sr = {"sr": fs} if with_rate and saved.endswith("dict") else {}
        if saved == "pt_dict":
            torch.save({"mag": zt.abs().float(), "phase": zt.angle().float(), **sr}, path)
        elif saved == "pt_complex":
            torch.save(zt.to(torch.complex64), path)
        elif saved == "pt_power":
            torch.save((zt.abs() ** 2).float(), path)
        elif saved == "pkl_dict":
            with open(path, "wb") as f:
                pickle.dump({"magnitude": np.abs(z).astype(np.float32), "phase": np.angle(z).astype(np.float32), **sr}, f,
                            protocol=protocol)
        else:
            with open(path, "wb") as f:
                pickle.dump((np.abs(z) ** 2).astype(np.float32), f, protocol=4)
        rate = None if sr else fs
        err, r, got = run_blind(exe, [path], work, rate)
        desc = f"{i} {name} {tool} {fam} n_fft {n_fft} hop {hop} {saved}{' p%d' % protocol if saved == 'pkl_dict' else ''}" \
               f"{' sr in dict' if sr else ''}"
        kind = "magnitude only" if only else "phase"
        right[kind][1] += 1
        if err:
            print(f"FAIL {desc}: {err}", flush=True)
            continue
        ok = got == (n_fft, hop, n_fft, fam)
        snr = None
        if not only:
            snr = snr_inside(x, work, n_fft)
            ok = ok and snr > 60 and r["signal"]["sample_rate"] == fs
        right[kind][0] += ok
        print(f"{'ok  ' if ok else 'FAIL'} {desc}: got {got}, {r['magnitude_scale']['kind']}"
              f"{'' if snr is None else ', SNR %.1f dB' % snr}, {r['signal']['sample_rate']} Hz "
              f"{r['signal']['sample_rate_source']}", flush=True)
    for kind, (ok, n) in right.items():
        print(f"{kind}: {ok} of {n} right")


if __name__ == "__main__":
    main()
