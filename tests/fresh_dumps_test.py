#!/usr/bin/python3
"""Dumps specrecon has never seen: scipy.signal.stft writes raw float32 magnitude and phase with
the issue's parameter sets (defaults; Hamming 512 / hop 160 / FFT 1024) plus seeded random ones,
from a fresh signal; specrecon reconstructs them blind, files in either order, and must infer
n_fft, hop, win_length and window family exactly, the exact length, and SNR above 90 dB.
Usage: fresh_dumps_test.py PATH/TO/specrecon"""
import json, os, subprocess, sys, tempfile, warnings
warnings.simplefilter('ignore')
import numpy as np, scipy.signal as sg, scipy.io.wavfile as wavfile

exe = sys.argv[1]
rng = np.random.default_rng(20261121)
fs = 16000
t = np.arange(int(1.3 * fs)) / fs
# A fresh signal: chirp + harmonics + noise, none of it in samples/.
x = 0.3 * sg.chirp(t, 200, t[-1], 3000) + 0.1 * np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 2 * t))
x += 0.01 * rng.standard_normal(len(t))

cases = [dict(window="hann", nperseg=256, noverlap=None, nfft=None),
         dict(window="hamming", nperseg=512, noverlap=512 - 160, nfft=1024)]
families = {"hann": "hann", "hamming": "hamming", "blackman": "blackman", "blackmanharris": "blackman_harris"}
for _ in range(8):
    w = rng.choice(list(families))
    nperseg = int(rng.integers(100, 700))
    hop = int(rng.integers(max(1, nperseg // 8), nperseg // 2 + 1))
    nfft = int(nperseg + rng.integers(0, 300))
    cases.append(dict(window=str(w), nperseg=nperseg, noverlap=nperseg - hop, nfft=nfft))

failures = 0
with tempfile.TemporaryDirectory() as d:
    for i, c in enumerate(cases):
        _, _, Z = sg.stft(x, fs, **c)
        mag, ph = os.path.join(d, "spectrogram.bin"), os.path.join(d, "phases.bin")
        np.abs(Z).astype("<f4").tofile(mag)
        np.angle(Z).astype("<f4").tofile(ph)
        out, rep = os.path.join(d, "out.wav"), os.path.join(d, "r.json")
        order = [mag, ph] if i % 2 == 0 else [ph, mag]
        p = subprocess.run([exe, "reconstruct", *order, "-o", out, "--report", rep, "--force"],
                           capture_output=True, text=True)
        n_fft = c["nfft"] or c["nperseg"]
        hop = c["nperseg"] - (c["noverlap"] if c["noverlap"] is not None else c["nperseg"] // 2)
        want = (n_fft, hop, c["nperseg"], families[c["window"]])
        if p.returncode != 0:
            print(f"FAIL {c}: exit {p.returncode}: {p.stderr.strip().splitlines()[-1]}")
            failures += 1
            continue
        r = json.load(open(rep))
        s = r["stft"]
        got = (s["n_fft"], s["hop"], s["win_length"], s["window"]["family"])
        _, y = wavfile.read(out)
        n = min(len(x), len(y))
        snr = 10 * np.log10(np.sum(x[:n] ** 2) / max(np.sum((x[:n] - y[:n]) ** 2), 1e-300))
        # The signal has no silent tail, so its length is determined exactly.
        ok = got == want and snr > 90 and len(y) == len(x)
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {c['window']} nperseg={c['nperseg']} hop={hop} nfft={n_fft}: "
              f"got {got}, SNR {snr:.1f} dB, length {len(y)} vs {len(x)}")
print(f"{len(cases) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
