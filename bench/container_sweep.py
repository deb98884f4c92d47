#!/usr/bin/python3
"""Seeded random dumps in the containers people save STFTs in, run blind through specrecon.

    bench/container_sweep.py SPECRECON WORKDIR SEED COUNT [INDEX,...]

The recordings and STFT tools are those of bench/wild_sweep.py (a French espeak-ng sentence at
16 kHz, sox plucked strings at 22050 Hz; scipy.signal.stft, torch.stft centred or not, numpy
frames; Hann, Hamming or Blackman). Each case is saved in one container drawn at random:

  npy      the complex STFT itself, numpy.save, complex64 or complex128, either orientation
  npz      numpy.savez of magnitude and phase under names drawn from common ones, with scipy's
           frequency and time axes beside them half the time
  npzc     numpy.savez of scipy's (f, t, Zxx) triple, complex
  mat      scipy.io.savemat (MATLAB v5, compressed or not) of magnitude and phase, or of Zxx
  h5       h5py, magnitude and phase datasets in a group, float32 or float64
  csv      numpy.savetxt of magnitude and phase, two files (cases with few cells only)
  iq       raw float32 (re, im) pairs, no header

Magnitude scale (linear, power, dB), phase units (radians, degrees) and orientation are drawn
too. `specrecon reconstruct FILES --sample-rate FS` must give n_fft, hop, win_length and family
exactly, the sample rate (left out half the time when the container holds scipy's axes) and an
SNR above 60 dB against the recording inside the first and last n_fft samples. Prints one line
per case and the count. Needs python3-numpy, -scipy, -torch, -h5py, espeak-ng
and sox.
"""
import os
import sys

import h5py
import numpy as np
import scipy.io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wild_sweep import draw_case, recordings, run_blind, snr_inside, stft_of  # noqa: E402

MAG_NAMES = ["S", "mag", "magnitude", "spec", "spectrogram", "M", "abs_stft", "amplitude"]
PHASE_NAMES = ["P", "phase", "phases", "angle", "ph", "phi"]


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
        name, fs, x, tool, fam, n_fft = draw_case(rng, srcs)
        win = n_fft
        if tool.startswith("torch") and rng.random() < 0.3:
            win = int(n_fft * rng.choice([0.5, 0.75]))
        hop = int(rng.choice([win // 2, win // 4, win // 8, max(1, int(win * 0.3))]))
        f, t, z = stft_of(tool, fam, x, fs, n_fft, win, hop)
        container = str(rng.choice(["npy", "npz", "npzc", "mat", "h5", "csv", "iq"]))
        if container == "csv" and z.size > 400_000:
            container = "npz"
        if container == "npzc" and tool != "scipy":
            container = "npy"
        scale = str(rng.choice(["linear", "power", "db"]))
        degrees = rng.random() < 0.3
        frames_first = bool(rng.random() < 0.5)
        wide = rng.random() < 0.5
        m = np.abs(z)
        if scale == "power":
            m = m ** 2
        elif scale == "db":
            m = 20 * np.log10(np.maximum(m, 1e-10))
        ph = np.degrees(np.angle(z)) if degrees else np.angle(z)
        zz = z
        if frames_first:
            m, ph, zz = m.T, ph.T, z.T
        fdt = np.float64 if wide else np.float32
        cdt = np.complex128 if wide else np.complex64
        mk, pk = str(rng.choice(MAG_NAMES)), str(rng.choice(PHASE_NAMES))
        axes = rng.random() < 0.5
        compress = rng.random() < 0.5
        no_rate = rng.random() < 0.5
        mat_parts = rng.random() < 0.5  # MATLAB: magnitude and phase, or Zxx
        if only is not None and str(i) not in only:
            continue
        base = os.path.join(work, "dump")
        for old in os.listdir(work):
            if old.startswith("dump"):
                os.remove(os.path.join(work, old))
        if container == "npy":
            files = [base + ".npy"]
            np.save(files[0], zz.astype(cdt))
            what = f"complex {np.dtype(cdt).name}"
        elif container == "npz":
            files = [base + ".npz"]
            arrays = {mk: m.astype(fdt), pk: ph.astype(fdt)}
            if axes and f is not None:
                arrays.update(f=f, t=t)
            np.savez(files[0], **arrays)
            what = f"{mk}, {pk}{', f, t' if axes and f is not None else ''}"
        elif container == "npzc":
            files = [base + ".npz"]
            np.savez(files[0], f=f, t=t, Zxx=zz.astype(cdt))
            what = "f, t, Zxx"
        elif container == "mat":
            files = [base + ".mat"]
            if mat_parts:
                scipy.io.savemat(files[0], {mk: m.astype(fdt), pk: ph.astype(fdt)}, do_compression=compress)
                what = f"{mk}, {pk}"
            else:
                d = {"Zxx": zz.astype(cdt)}
                if f is not None:
                    d.update(f=f, t=t)
                scipy.io.savemat(files[0], d, do_compression=compress)
                what = "Zxx" + (", f, t" if f is not None else "")
            what += " compressed" if compress else ""
        elif container == "h5":
            files = [base + ".h5"]
            with h5py.File(files[0], "w") as h:
                g = h.create_group("stft")
                g.create_dataset(mk, data=m.astype(fdt))
                g.create_dataset(pk, data=ph.astype(fdt))
            what = f"/stft/{mk}, /stft/{pk}"
        elif container == "csv":
            files = [base + "_mag.csv", base + "_phase.csv"]
            np.savetxt(files[0], m, delimiter=",", fmt="%.9g" if not wide else "%.17g")
            np.savetxt(files[1], ph, delimiter=",", fmt="%.9g" if not wide else "%.17g")
            what = "mag, phase"
        else:
            files = [base + ".iq"]
            np.stack([zz.real, zz.imag], axis=-1).astype(np.float32).tofile(files[0])
            what = "float32 re, im"
        has_axes = "f, t" in what
        rate = None if has_axes and no_rate else fs
        err, r, got = run_blind(exe, files, work, rate)
        complexed = container in ("npy", "npzc", "iq") or (container == "mat" and what.startswith("Zxx"))
        desc = (f"{i} {name} {tool} {fam} n_fft {n_fft} win {win} hop {hop} {container} ({what}) "
                f"{'' if complexed else scale + ' '}{'frames x bins' if frames_first else 'bins x frames'}"
                f"{' degrees' if degrees and not complexed else ''}{' no --sample-rate' if rate is None else ''}")
        run += 1
        if err:
            print(f"FAIL {desc}: {err}", flush=True)
            bad += 1
            continue
        snr = snr_inside(x, work, n_fft)
        read_fs = r["signal"]["sample_rate"]
        ok = got == (n_fft, hop, win, fam) and snr > 60 and read_fs == fs
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {desc}: got {got}, {r['magnitude_scale']['kind']}, {r['phase_units']}, "
              f"SNR {snr:.1f} dB, {read_fs} Hz {r['signal']['sample_rate_source']}", flush=True)
    print(f"{run - bad} of {run} right")


if __name__ == "__main__":
    main()
