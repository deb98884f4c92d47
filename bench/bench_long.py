#!/usr/bin/python3
"""Benchmark of the Performance issue: a long 44.1 kHz dump (Hann 2048, hop 512, raw float32
magnitude and phase, written by scipy.signal.stft), reconstructed blind by specrecon and, given the
true parameters, by scipy.signal.istft and torch.istft, each in its own process; prints wall time,
peak memory (ru_maxrss of the child) and SNR, and the ratios.
Usage: bench/bench_long.py PATH/TO/specrecon [MINUTES ...]   (default: 1 10)"""
import os, resource, subprocess, sys, tempfile, time, json
import numpy as np, scipy.signal as sg, scipy.io.wavfile as wavfile

exe = sys.argv[1]
minutes = [float(m) for m in sys.argv[2:]] or [1.0, 10.0]
fs, nfft, hop = 44100, 2048, 512
here = os.path.dirname(os.path.abspath(__file__))

def make_signal(seconds):
    rng = np.random.default_rng(7)
    _, sp = wavfile.read(os.path.join(here, "..", "samples", "source", "noisy22k.wav"))
    sp = np.interp(np.arange(0, len(sp), 22050 / fs), np.arange(len(sp)), sp.astype(np.float64) / 32768)
    n = int(seconds * fs)
    reps = int(np.ceil(n / len(sp)))
    x = np.tile(sp, reps)[:n] * (0.5 + 0.4 * np.sin(2 * np.pi * 0.05 * np.arange(n) / fs))
    x += 0.003 * rng.standard_normal(n)
    return x

def run(cmd):
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB; max over children so far
    return p, wall, peak

PEER = r'''
import sys, numpy as np, scipy.signal as sg
mag = np.fromfile(sys.argv[1], "<f4").reshape(1025, -1); ph = np.fromfile(sys.argv[2], "<f4").reshape(1025, -1)
Z = mag * np.exp(1j * ph)
if sys.argv[3] == "scipy":
    _, x = sg.istft(Z, 44100, nperseg=2048, noverlap=1536)
else:
    import torch
    Z = Z * sg.get_window("hann", 2048).sum()  # undo scipy's scaling="spectrum"
    x = torch.istft(torch.from_numpy(Z), n_fft=2048, hop_length=512, window=torch.hann_window(2048, dtype=torch.float64), center=True).numpy()
np.save(sys.argv[4], x.astype(np.float32))
'''

def snr(x, y):
    n = min(len(x), len(y))
    return 10 * np.log10(np.sum(x[:n] ** 2) / np.sum((x[:n] - y[:n]) ** 2))

rows = []
with tempfile.TemporaryDirectory() as d:
    peer = os.path.join(d, "peer.py")
    open(peer, "w").write(PEER)
    for m in minutes:
        x = make_signal(60 * m)
        _, _, Z = sg.stft(x, fs, nperseg=nfft, noverlap=nfft - hop)
        mag, ph = os.path.join(d, "spectrogram.bin"), os.path.join(d, "phases.bin")
        np.abs(Z).astype("<f4").tofile(mag)
        np.angle(Z).astype("<f4").tofile(ph)
        frames = Z.shape[1]
        del Z
        size_mb = 2 * os.path.getsize(mag) / 1e6
        out = os.path.join(d, "out.wav")
        results = {}
        # Each tool in a fresh child of a fresh python, so ru_maxrss is its own.
        for name, cmd in [("specrecon (blind)", [exe, "reconstruct", mag, ph, "-o", out, "--sample-rate", "44100"]),
                          ("scipy.signal.istft (oracle)", ["/usr/bin/python3", peer, mag, ph, "scipy", os.path.join(d, "s.npy")]),
                          ("torch.istft (oracle)", ["/usr/bin/python3", peer, mag, ph, "torch", os.path.join(d, "t.npy")])]:
            wrapper = ["/usr/bin/python3", "-c",
                       "import resource,subprocess,sys,time;t=time.perf_counter();p=subprocess.run(sys.argv[1:]);"
                       "w=time.perf_counter()-t;print(p.returncode,w,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd]
            if os.path.exists(out): os.remove(out)
            p = subprocess.run(wrapper, capture_output=True, text=True)
            rc, wall, peak = p.stdout.split()
            if name.startswith("specrecon"):
                y = wavfile.read(out)[1] if rc == "0" else np.zeros(1)
            else:
                y = np.load(os.path.join(d, "s.npy" if "scipy" in name else "t.npy")) if rc == "0" else np.zeros(1)
            results[name] = (float(wall), int(peak) / 1024, snr(x, y.astype(np.float64)) if rc == "0" else float("nan"), rc)
        print(f"\n{m:g} min at 44.1 kHz: {frames} frames x 1025 bins, {size_mb:.0f} MB of float32 magnitude+phase")
        print(f"  {'tool':30s} {'wall s':>8s} {'peak MB':>9s} {'SNR dB':>8s}")
        for name, (wall, peak, s, rc) in results.items():
            print(f"  {name:30s} {wall:8.2f} {peak:9.0f} {s:8.1f}" + ("" if rc == "0" else f"  (exit {rc})"))
        sw, sp_, _, _ = results["specrecon (blind)"]
        print(f"  ratios specrecon/scipy: time {sw / results['scipy.signal.istft (oracle)'][0]:.2f}x, memory {sp_ / results['scipy.signal.istft (oracle)'][1]:.2f}x")
        rows.append((m, sw))
if len(rows) > 1:
    print("\nspecrecon time per minute of audio: " + ", ".join(f"{m:g} min: {w / m:.2f} s/min" for m, w in rows))
