#!/usr/bin/python3
"""Magnitude-only benchmark: specrecon (blind) against a numpy fast Griffin-Lim peer (told the
true STFT parameters), on magnitude dumps written by scipy.signal.stft.

Run through scripts/bench_phase_retrieval, which makes the source recordings and builds
specrecon. Usage:

    phase_retrieval_bench.py SPECRECON WORKDIR WAV...

For each WAV and each hop (128 = redundancy 4, 64 = redundancy 8; Hann 512 in both) this
  1. writes |scipy.signal.stft(x, fs, nperseg=512, noverlap=512-hop)| as raw float32
     (bins x frames, scipy's default layout) and nothing else;
  2. runs `specrecon reconstruct DUMP -o OUT.wav --report R.json` with no hints at all and
     times the whole process (start, reading, inference, retrieval, writing);
  3. runs the peer: fast Griffin-Lim (Perraudin et al. 2013, momentum 0.99) for 100 iterations
     over scipy.signal.istft / scipy.signal.stft with the true parameters, from zero phase and
     from a seeded random phase (librosa's default), timing the 100 iterations only;
  4. measures the spectral convergence SC = 20 log10(|| |STFT(y)| - M || / ||M||) of every
     output the same way: scipy.signal.stft of the output on the dump's frame grid, with the
     least-squares gain between |STFT(y)| and M (specrecon writes audio at a gain it chooses;
     the fitted gain only helps the figure).
Prints one table row per (recording, hop).
"""
import json
import os
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import scipy.io.wavfile
import scipy.signal

N_FFT = 512


def read_wav(path):
    with warnings.catch_warnings():  # specrecon's WAVs carry a chunk scipy does not parse
        warnings.simplefilter("ignore", scipy.io.wavfile.WavFileWarning)
        fs, x = scipy.io.wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    return fs, np.asarray(x, dtype=np.float64)


def stft_mag(x, fs, hop, boundary="zeros", padded=True):
    return np.abs(scipy.signal.stft(x, fs, nperseg=N_FFT, noverlap=N_FFT - hop,
                                    boundary=boundary, padded=padded)[2])


def sc_db(y, fs, hop, mag, centred):
    """SC of signal y against magnitude frames `mag` (bins x frames), least-squares gain.

    centred: y is the original-length signal (scipy.signal.istft output) and is analysed with
    scipy's boundary padding; otherwise y starts at the first frame's first sample (specrecon's
    output when it keeps the padding) and is analysed without padding."""
    s = stft_mag(y, fs, hop) if centred else stft_mag(y, fs, hop, boundary=None, padded=False)
    f = min(s.shape[1], mag.shape[1])
    a = np.zeros_like(mag)
    a[:, :f] = s[:, :f]
    g = float(np.sum(a * mag) / max(np.sum(a * a), 1e-300))
    return 20 * np.log10(np.linalg.norm(g * a - mag) / np.linalg.norm(mag))


def fgla_peer(mag, fs, hop, iterations=100, alpha=0.99, init="zero", seed=0):
    """Fast Griffin-Lim over scipy.signal.istft/stft with the true parameters."""
    kw = dict(nperseg=N_FFT, noverlap=N_FFT - hop)
    if init == "zero":
        t = mag.astype(np.complex128)
    else:
        rng = np.random.default_rng(seed)
        t = mag * np.exp(2j * np.pi * rng.random(mag.shape))
    prev = None
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(iterations):
        _, y = scipy.signal.istft(mag * np.exp(1j * np.angle(t)), fs, **kw)
        c = scipy.signal.stft(y, fs, **kw)[2][:, :mag.shape[1]]
        t = c if prev is None else c + alpha * (c - prev)
        prev = c
    _, y = scipy.signal.istft(mag * np.exp(1j * np.angle(prev)), fs, **kw)
    return y, time.perf_counter() - t0, time.process_time() - c0


def run_specrecon(binary, dump, out_wav, report):
    for old in (out_wav, report):  # specrecon does not overwrite without --force
        if os.path.exists(old):
            os.remove(old)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([binary, "reconstruct", dump, "-o", out_wav, "--report", report],
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"specrecon failed on {dump}:\n{p.stderr}")
    return json.load(open(report)), seconds, cpu


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    binary, work, wavs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    rows = []
    print(f"{'':25s}| {'specrecon, blind (whole process)':^44s} | {'FGLA-100, true parameters (loop)':^37s}")
    print(f"{'recording':12s} {'s':>5s} {'hop':>4s} | {'SC dB':>7s} {'wall s':>6s} {'cpu s':>6s} {'iters':>5s} {'inferred':>15s} | "
          f"{'zero: SC':>8s} {'wall':>5s} {'cpu':>5s} {'random: SC':>10s} {'wall':>5s}")
    for wav in wavs:
        fs, x = read_wav(wav)
        name = os.path.splitext(os.path.basename(wav))[0]
        for hop in (128, 64):
            mag = stft_mag(x, fs, hop)
            dump = os.path.join(work, f"{name}_hann512_hop{hop}.f32")
            mag.astype("<f4").tofile(dump)
            mag32 = np.fromfile(dump, "<f4").astype(np.float64).reshape(mag.shape)
            out = os.path.join(work, f"{name}_hop{hop}_specrecon.wav")
            rep, secs, cpu = run_specrecon(binary, dump, out, os.path.join(work, f"{name}_hop{hop}.json"))
            _, y = read_wav(out)
            st = rep["stft"]
            centred = bool(st.get("center"))
            sc_ours = sc_db(y, fs, hop, mag32, centred)
            inferred = f"{st['n_fft']}/{st['hop']} {st['window']['family']}"
            ok = (st["n_fft"], st["hop"], st["win_length"], st["window"]["family"]) == (512, hop, 512, "hann")
            recon = rep["reconstruction"]
            peer = {}
            for init in ("zero", "random"):
                yp, ps, pc = fgla_peer(mag32, fs, hop, init=init)
                peer[init] = (sc_db(yp, fs, hop, mag32, True), ps, pc)
            rows.append(dict(recording=name, seconds=len(x) / fs, hop=hop, specrecon_sc=sc_ours,
                             specrecon_sc_report=recon.get("spectral_convergence_db"),
                             specrecon_wall=secs, specrecon_cpu=cpu, iterations=recon.get("retrieval_iterations"),
                             inferred=inferred, inferred_ok=ok,
                             peer_zero_sc=peer["zero"][0], peer_zero_s=peer["zero"][1], peer_zero_cpu=peer["zero"][2],
                             peer_random_sc=peer["random"][0], peer_random_s=peer["random"][1],
                             peer_random_cpu=peer["random"][2]))
            print(f"{name:12s} {len(x) / fs:5.2f} {hop:4d} | {sc_ours:7.2f} {secs:6.2f} {cpu:6.2f} "
                  f"{recon.get('retrieval_iterations'):5d} {inferred + ('' if ok else ' WRONG'):>15s} | "
                  f"{peer['zero'][0]:8.2f} {peer['zero'][1]:5.2f} {peer['zero'][2]:5.2f} "
                  f"{peer['random'][0]:10.2f} {peer['random'][1]:5.2f}", flush=True)
    json.dump(rows, open(os.path.join(work, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
