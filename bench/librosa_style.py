#!/usr/bin/python3
"""Magnitude-only dumps as librosa writes them, run blind through `specrecon infer`.

    bench/librosa_style.py SPECRECON WORKDIR

librosa.stft is torch.stft's arithmetic with librosa's defaults: Hann, n_fft 2048, hop n_fft/4,
centred with zero padding (pad_mode "constant" since librosa 0.10); the usual dump is
librosa.amplitude_to_db(|S|, ref=np.max), which clips at 80 dB below the maximum (top_db), or
|S|**2. librosa is not a Debian package, so torch.stft and numpy make the same numbers here:
  db80    20 log10(max(1e-5, |S|)) - 20 log10(max |S|), clipped at max - 80   (n_fft 2048/512, 1024/256)
  power   |S|**2                                                               (n_fft 2048/512)
  dbref1  20 log10(max(1e-5, |S|)) clipped at max - 80 (ref=1.0)               (n_fft 512/128)
on the recordings of bench/magnitude_only_matrix.py's sets "held" and "n256". n_fft, hop,
win_length, family (Hann) and the scale (db20 or power) must be exact. Prints one line per dump
and the count. Needs python3-numpy, python3-scipy, python3-torch, espeak-ng and sox.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import magnitude_only_matrix as mm  # noqa: E402


def main():
    exe, work, srcs = mm.seven_recordings_setup(__doc__)
    ok = total = 0
    for name, (fs, x) in srcs.items():
        for n, hop, kind in ((2048, 512, "db80"), (1024, 256, "db80"), (2048, 512, "power"), (512, 128, "dbref1")):
            z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, window=torch.hann_window(n),
                           center=True, pad_mode="constant", return_complex=True).numpy()
            s = np.abs(z)
            if kind == "power":
                d, want = s ** 2, "power"
            else:
                d = 20 * np.log10(np.maximum(1e-5, s)) - (20 * np.log10(s.max()) if kind == "db80" else 0.0)
                d, want = np.maximum(d, d.max() - 80), "db20"
            dump = os.path.join(work, f"{name}_{kind}_{n}_{hop}.f32")
            d.astype("<f4").tofile(dump)
            got, p = mm.infer(exe, dump, fs)
            os.remove(dump)
            total += 1
            if got is None:
                print(f"FAIL {name} {kind} n_fft {n} hop {hop}: exit {p.returncode}: {p.stderr.strip()[:200]}", flush=True)
                continue
            good = got == (n, hop, n, "hann", want)
            ok += good
            print(f"{'ok  ' if good else 'FAIL'} {name} {fs} Hz {kind} n_fft {n} hop {hop}: got {got}", flush=True)
    print(f"{ok} of {total} exact")


if __name__ == "__main__":
    main()
