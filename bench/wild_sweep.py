#!/usr/bin/python3
"""Seeded random dumps from real tools on recordings made here, run blind through specrecon.

    bench/wild_sweep.py SPECRECON WORKDIR phase|mag SEED COUNT [INDEX,...]

Recordings (made in WORKDIR): a French espeak-ng sentence at 16 kHz and sox plucked strings
under a 3 Hz FM at 22050 Hz. Each case draws a tool (scipy.signal.stft; torch.stft centred with
reflect padding or not centred; numpy frames from sample 0 with np.fft.rfft), a family (Hann,
Hamming, Blackman), n_fft, win_length (torch: sometimes 1/2 or 3/4 of n_fft, centred in the
frame), hop (1/2, 1/4, 1/8 or 0.3 of the window; mag: 1/2 or 1/4), the magnitude as linear,
power or dB, phase in radians or degrees, bins x frames or frames x bins, float32 or float64,
written raw with no header. `specrecon reconstruct MAG [PHASE] --sample-rate FS` must give
n_fft, hop, win_length and family exactly; with phase also an SNR above 60 dB against the
recording inside the first and last n_fft samples (samples no window covers are not in the
dump). Prints one line per case and the count. INDEX,... reruns only those cases of the seed.
Needs python3-numpy, python3-scipy, python3-torch, espeak-ng and sox.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import scipy.io.wavfile as wf
import scipy.signal as sg
import torch


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def read(p):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fs, x = wf.read(p)
    x = x[:, 0] if x.ndim > 1 else x
    return fs, x.astype(np.float64) / 32768


def recordings(work):
    fr, fr16, music = (os.path.join(work, f) for f in ("fr.wav", "fr16k.wav", "music22k.wav"))
    if not os.path.exists(fr16):
        sh("espeak-ng", "-v", "fr", "-s", "160", "-w", fr,
           "Le vieux port de Marseille est plein de bateaux ce matin, et les pêcheurs chantent.")
        sh("sox", "-R", "-D", fr, "-r", "16000", "-b", "16", fr16)
    if not os.path.exists(music):
        sh("sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", music, "synth", "2.5", "pluck", "A2", "pluck",
           "E3", "pluck", "A3", "pluck", "C#4", "synth", "2.5", "sine", "fmod", "3", "remix", "-", "gain", "-8")
    return {"fr16k": read(fr16), "music22k": read(music)}


def draw_case(rng, srcs, sizes=(256, 400, 512, 1024, 2048)):
    """The first draws of a sweep's case, in this order: a recording, a tool, a family and an
    n_fft. Returns (name, fs, x, tool, family, n_fft)."""
    name = str(rng.choice(list(srcs)))
    fs, x = srcs[name]
    tool = str(rng.choice(["scipy", "torch_c", "torch_nc", "numpy"]))
    fam = str(rng.choice(["hann", "hamming", "blackman"]))
    n_fft = int(rng.choice(list(sizes)))
    return name, fs, x, tool, fam, n_fft


def stft_of(tool, fam, x, fs, n_fft, win, hop):
    """(f, t, Z) of x by scipy.signal.stft, torch.stft centred (torch_c) or not (torch_nc), or
    numpy frames from sample 0 (numpy); f and t are None but for scipy."""
    if tool == "scipy":
        return sg.stft(x, fs, window=fam, nperseg=win, noverlap=win - hop, nfft=n_fft)
    if tool.startswith("torch"):
        w = getattr(torch, fam + "_window")(win, dtype=torch.float64)
        z = torch.stft(torch.from_numpy(x), n_fft, hop, win, w, center=tool == "torch_c", return_complex=True).numpy()
        return None, None, z
    w = sg.get_window(fam, win)
    frames = np.stack([x[k * hop:k * hop + win] * w for k in range(1 + (len(x) - win) // hop)])
    return None, None, np.fft.rfft(frames, n_fft, axis=1).T


def run_blind(exe, files, work, rate=None):
    """`specrecon reconstruct FILES [--sample-rate RATE]` into WORKDIR/out.wav and report.json.
    Returns (error line or None, report, stft tuple (n_fft, hop, win_length, family))."""
    out, rep = os.path.join(work, "out.wav"), os.path.join(work, "report.json")
    p = subprocess.run([exe, "reconstruct", *files, "-o", out, "--report", rep, "--force",
                        *([] if rate is None else ["--sample-rate", str(rate)])], capture_output=True, text=True)
    if p.returncode:
        return f"exit {p.returncode}: {p.stderr.strip().splitlines()[-1][:200]}", None, None
    r = json.load(open(rep))
    s = r["stft"]
    return None, r, (s["n_fft"], s["hop"], s["win_length"], s["window"]["family"])


def snr_inside(x, work, n_fft):
    """SNR (dB) of WORKDIR/out.wav against x, leaving out the first and last n_fft samples."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = wf.read(os.path.join(work, "out.wav"))[1]
    y = y / 32768.0 if np.issubdtype(y.dtype, np.integer) else y.astype(np.float64)
    k = min(len(x), len(y))
    e = np.sum((x[n_fft:k - n_fft] - y[n_fft:k - n_fft]) ** 2)
    return 10 * np.log10(np.sum(x[n_fft:k - n_fft] ** 2) / max(e, 1e-300))


def main():
    if len(sys.argv) < 6:
        raise SystemExit(__doc__)
    exe, work, mode, seed, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    only = set(sys.argv[6].split(",")) if len(sys.argv) > 6 else None
    os.makedirs(work, exist_ok=True)
    srcs = recordings(work)
    rng = np.random.default_rng(seed)
    bad = run = 0
    for i in range(count):
        name, fs, x, tool, fam, n_fft = draw_case(rng, srcs, (256, 512, 1024) if mode == "mag" else (256, 400, 512, 1024, 2048))
        win = n_fft
        if mode == "phase" and tool.startswith("torch") and rng.random() < 0.4:
            win = int(n_fft * rng.choice([0.5, 0.75]))
        if mode == "mag":
            hop = win // int(rng.choice([2, 4]))
        else:
            hop = int(rng.choice([win // 2, win // 4, win // 8, max(1, int(win * 0.3))]))
        scale = str(rng.choice(["linear", "power", "db"]))
        frames_first = rng.choice(["bf", "fb"]) == "fb"
        z = stft_of(tool, fam, x, fs, n_fft, win, hop)[2]
        m = np.abs(z)
        if scale == "power":
            m = m ** 2
        elif scale == "db":
            m = 20 * np.log10(np.maximum(m, 1e-10))
        ph = np.angle(z)
        degrees = rng.random() < 0.3
        if degrees:
            ph = np.degrees(ph)
        if frames_first:
            m, ph = m.T, ph.T
        dt = "<f4" if rng.random() < 0.7 else "<f8"
        if only is not None and str(i) not in only:
            continue
        mag, phase = os.path.join(work, "mag.bin"), os.path.join(work, "phase.bin")
        m.astype(dt).tofile(mag)
        ph.astype(dt).tofile(phase)
        files = [mag, phase] if mode == "phase" else [mag]
        err, r, got = run_blind(exe, files, work, fs)
        desc = (f"{i} {name} {tool} {fam} n_fft {n_fft} win {win} hop {hop} {scale} "
                f"{'frames x bins' if frames_first else 'bins x frames'} {dt}{' degrees' if degrees else ''}")
        run += 1
        if err:
            print(f"FAIL {desc}: {err}", flush=True)
            bad += 1
            continue
        ok = got == (n_fft, hop, win, fam)
        if mode == "phase":
            snr = snr_inside(x, work, n_fft)
            ok = ok and snr > 60
            extra = f"SNR {snr:.1f} dB"
        else:
            extra = f"SC {r['reconstruction'].get('spectral_convergence_db', r['reconstruction'].get('consistency_db'))} dB"
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {desc}: got {got}, {r['magnitude_scale']['kind']}, {r['phase_units']}, {extra}",
              flush=True)
    print(f"{run - bad} of {run} right")


if __name__ == "__main__":
    main()
