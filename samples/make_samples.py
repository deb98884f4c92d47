#!/usr/bin/python3
"""Make the sample STFT dumps in samples/<case>/ from the WAVs in samples/source/.

Regenerate everything with:
    samples/make_sources.sh && /usr/bin/python3 samples/make_samples.py

Each case folder gets the magnitude and phase dumps and a truth.json describing
exactly how they were produced.  After writing, every case is verified:
  * the dump is re-read with numpy, Z is rebuilt and inverted with the producer's
    own inverse (scipy.signal.istft, torch.istft, or a plain weighted overlap-add
    for the numpy and Octave cases); the SNR against the source goes into
    truth.json as "oracle_snr_db";
  * the dump is re-derived independently from the truth.json fields alone with a
    generic numpy STFT, to make sure truth.json describes the dump correctly.

Cases needing torch or octave (+ the signal package) are skipped, with a message,
when the tool is missing; their existing folders are then left untouched.

Usage: make_samples.py [CASE ...]     (default: all cases)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import scipy
import scipy.io.wavfile
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.join(HERE, "source")


class Skip(Exception):
    """A case cannot be made here (a tool is missing)."""


# --------------------------------------------------------------------------- helpers

def load_source(name):
    """Read samples/source/<name>, return (fs, float64 signal = int16 / 32768)."""
    fs, xi = scipy.io.wavfile.read(os.path.join(SOURCE_DIR, name))
    if xi.dtype != np.int16 or xi.ndim != 1:
        raise SystemExit(f"{name}: expected mono int16, got {xi.dtype} {xi.shape}")
    return fs, xi.astype(np.float64) / 32768.0


def window_desc(family, param=None, symmetric=False, offset=0, **notes):
    d = {"family": family, "param": param, "symmetric": symmetric, "offset": offset}
    d.update(notes)
    return d


def make_truth(*, producer, call, source, fs, signal_length, n_fft, hop, win_length,
               window, onesided, nyquist_dropped, center, pad_mode, layout, frames, bins,
               dtype, byte_order, gain, files):
    return {
        "producer": producer,
        "call": call,
        "source": "../source/" + source,
        "sample_rate": int(fs),
        "signal_length": int(signal_length),
        "n_fft": int(n_fft),
        "hop": int(hop),
        "win_length": int(win_length),
        "window": window,
        "onesided": onesided,
        "nyquist_dropped": nyquist_dropped,
        "center": center,
        "pad_mode": pad_mode,
        "layout": layout,
        "frames": int(frames),
        "bins": int(bins),
        "dtype": dtype,
        "byte_order": byte_order,
        "magnitude_scale": "linear",
        "gain": float(gain),
        "phase_units": "radians",
        "files": files,
    }


NP_DTYPE = {("float32", "little"): "<f4", ("float32", "big"): ">f4",
            ("float64", "little"): "<f8", ("float64", "big"): ">f8"}


def write_dump(outdir, truth, mag, phase):
    """mag/phase already arranged as truth['layout'] says; written in C order."""
    dt = NP_DTYPE[(truth["dtype"], truth["byte_order"])]
    np.asarray(mag).astype(dt).tofile(os.path.join(outdir, truth["files"]["magnitude"]))
    np.asarray(phase).astype(dt).tofile(os.path.join(outdir, truth["files"]["phase"]))


def read_dump(outdir, truth):
    """Re-read the dump with numpy; return complex128 Z with shape (bins, frames)."""
    dt = NP_DTYPE[(truth["dtype"], truth["byte_order"])]
    nb, nf = truth["bins"], truth["frames"]
    arrs = []
    for role in ("magnitude", "phase"):
        a = np.fromfile(os.path.join(outdir, truth["files"][role]), dtype=dt).astype(np.float64)
        if a.size != nb * nf:
            raise AssertionError(f"{role}: {a.size} values, expected {nb}*{nf}")
        if truth["layout"] == "bins_x_frames":
            a = a.reshape(nb, nf)
        elif truth["layout"] == "frames_x_bins":
            a = a.reshape(nf, nb).T
        else:
            raise AssertionError(truth["layout"])
        arrs.append(a)
    mag, ph = arrs
    return mag * np.exp(1j * ph)


def snr_db(ref, est):
    ref = np.asarray(ref, dtype=np.float64)
    est = np.asarray(est, dtype=np.float64)
    err = np.sum((ref - est) ** 2)
    return float("inf") if err == 0 else float(10 * np.log10(np.sum(ref ** 2) / err))


def wola(Z, win_in_frame, hop, n_fft, length):
    """Plain weighted overlap-add inverse of an uncentred, unpadded STFT.

    Z: (bins, frames) onesided spectrum (ungained), frame t starts at sample t*hop.
    Returns (y, covered) where covered marks the samples whose summed squared window is
    at least 1e-3 of its maximum: at the two ends only one frame covers a sample, and
    dividing by a near-zero window there blows the float32 rounding of the dump (and,
    for Octave, the missing Nyquist bin) up, so those few samples are not compared."""
    frames = Z.shape[1]
    seg = np.fft.irfft(Z, n=n_fft, axis=0)                       # (n_fft, frames)
    out_len = max(length, (frames - 1) * hop + n_fft)
    y = np.zeros(out_len)
    wsum = np.zeros(out_len)
    for t in range(frames):
        y[t * hop:t * hop + n_fft] += seg[:, t] * win_in_frame
        wsum[t * hop:t * hop + n_fft] += win_in_frame ** 2
    nz = wsum > 1e-12
    y[nz] /= wsum[nz]
    covered = wsum >= 1e-3 * wsum.max()
    return y[:length], covered[:length]


def matlab_hanning(n):
    """Octave/MATLAB hanning(n): symmetric, without the zero end points."""
    k = np.arange(1, n + 1)
    return 0.5 - 0.5 * np.cos(2 * np.pi * k / (n + 1))


def octave_hanning(n):
    """Octave 7 (core m/signal/hanning.m) hanning(n): symmetric hann with zero end points."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / (n - 1))


def truth_window(w, win_length):
    """Build the window from a truth.json window description."""
    if w.get("matlab_hanning"):
        return matlab_hanning(win_length)
    fam = {"hann": "hann", "hamming": "hamming", "blackman": "blackman",
           "kaiser": "kaiser", "rectangular": "boxcar"}[w["family"]]
    spec = (fam, w["param"]) if w["param"] is not None else fam
    return scipy.signal.get_window(spec, win_length, fftbins=not w["symmetric"])


def rederive_from_truth(truth, x):
    """Independent generic STFT built only from truth.json fields.

    Centre convention: with center=true the frame t window centre sits at sample
    t*hop; scipy pads win_length//2 on the left, torch pads n_fft//2 (for every
    case here that equals window.offset + win_length//2).  The right side gets the
    same pad, then zeros as needed for the last frame (scipy's padded=True)."""
    n_fft, hop, wl = truth["n_fft"], truth["hop"], truth["win_length"]
    off = truth["window"]["offset"]
    frame_win = np.zeros(n_fft)
    frame_win[off:off + wl] = truth_window(truth["window"], wl)
    if truth["center"]:
        pad = n_fft // 2 if truth["producer"].startswith("torch") else wl // 2
        assert pad == off + wl // 2
        mode = {"constant": "constant", "reflect": "reflect"}[truth["pad_mode"]]
        xp = np.pad(x, (pad, pad), mode=mode)
    else:
        xp = x
    need = (truth["frames"] - 1) * hop + n_fft
    if len(xp) < need:
        xp = np.concatenate([xp, np.zeros(need - len(xp))])
    idx = np.arange(n_fft)[:, None] + hop * np.arange(truth["frames"])[None, :]
    Z = np.fft.rfft(xp[idx] * frame_win[:, None], axis=0) * truth["gain"]
    if truth["nyquist_dropped"]:
        Z = Z[:-1]
    assert Z.shape[0] == truth["bins"], (Z.shape, truth["bins"])
    return Z


def check_truth(truth, x, Zdump):
    """Compare the dump with the re-derivation; return (max mag err rel, max phase err)."""
    Zr = rederive_from_truth(truth, x)
    md, mr = np.abs(Zdump), np.abs(Zr)
    peak = mr.max()
    mag_err = float(np.max(np.abs(md - mr)) / peak)
    strong = mr > 1e-3 * peak
    dphi = np.angle(np.exp(1j * (np.angle(Zdump[strong]) - np.angle(Zr[strong]))))
    ph_err = float(np.max(np.abs(dphi)))
    return mag_err, ph_err


# --------------------------------------------------------------------------- producers
# Each producer returns (truth, mag, phase, x, inverse) where mag/phase are arranged
# as written and inverse(Z_bins_x_frames) -> (reconstruction, mask of samples to compare).
# The "call" string is evaluated as-is, so truth.json shows exactly what ran.

def case_scipy_stft_default():
    fs, x = load_source("speech16k.wav")
    call = "scipy.signal.stft(x, fs=16000)"
    f, t, Z = eval(call, {"scipy": scipy, "x": x})
    win = scipy.signal.get_window("hann", 256)                     # stft's default window
    truth = make_truth(
        producer="scipy.signal.stft", call=call, source="speech16k.wav", fs=fs,
        signal_length=len(x), n_fft=256, hop=128, win_length=256,
        window=window_desc("hann", None, False, 0), onesided=True, nyquist_dropped=False,
        center=True, pad_mode="constant", layout="bins_x_frames",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0 / win.sum(),
        files={"magnitude": "spectrogram.bin", "phase": "phases.bin"})

    def inverse(Zb):
        _, y = scipy.signal.istft(Zb, fs=16000)
        return y[:len(x)], None
    return truth, np.abs(Z), np.angle(Z), x, inverse


def case_scipy_stft_hamming512():
    fs, x = load_source("speech16k.wav")
    call = "scipy.signal.stft(x, fs, window='hamming', nperseg=512, noverlap=352, nfft=1024)"
    f, t, Z = eval(call, {"scipy": scipy, "x": x, "fs": fs})
    win = scipy.signal.get_window("hamming", 512)
    truth = make_truth(
        producer="scipy.signal.stft", call=call, source="speech16k.wav", fs=fs,
        signal_length=len(x), n_fft=1024, hop=512 - 352, win_length=512,
        window=window_desc("hamming", None, False, 0), onesided=True, nyquist_dropped=False,
        center=True, pad_mode="constant", layout="bins_x_frames",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0 / win.sum(),
        files={"magnitude": "spectrogram.bin", "phase": "phases.bin"})

    def inverse(Zb):
        _, y = scipy.signal.istft(Zb, fs, window='hamming', nperseg=512, noverlap=352, nfft=1024)
        return y[:len(x)], None
    return truth, np.abs(Z), np.angle(Z), x, inverse


def case_scipy_stft_blackman_frames():
    fs, x = load_source("noisy22k.wav")
    call = "scipy.signal.stft(x, 22050, window='blackman', nperseg=400, noverlap=300, nfft=512)"
    f, t, Z = eval(call, {"scipy": scipy, "x": x})
    win = scipy.signal.get_window("blackman", 400)
    truth = make_truth(
        producer="scipy.signal.stft", call=call, source="noisy22k.wav", fs=fs,
        signal_length=len(x), n_fft=512, hop=400 - 300, win_length=400,
        window=window_desc("blackman", None, False, 0), onesided=True, nyquist_dropped=False,
        center=True, pad_mode="constant", layout="frames_x_bins",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0 / win.sum(),
        files={"magnitude": "spectrogram.bin", "phase": "phases.bin"})

    def inverse(Zb):
        _, y = scipy.signal.istft(Zb, 22050, window='blackman', nperseg=400, noverlap=300, nfft=512)
        return y[:len(x)], None
    return truth, np.abs(Z).T, np.angle(Z).T, x, inverse


def case_scipy_stft_odd():
    fs, x = load_source("speech16k.wav")
    call = "scipy.signal.stft(x, fs, window=('kaiser', 8.0), nperseg=301, noverlap=226, nfft=301)"
    f, t, Z = eval(call, {"scipy": scipy, "x": x, "fs": fs})
    win = scipy.signal.get_window(("kaiser", 8.0), 301)
    truth = make_truth(
        producer="scipy.signal.stft", call=call, source="speech16k.wav", fs=fs,
        signal_length=len(x), n_fft=301, hop=301 - 226, win_length=301,
        window=window_desc("kaiser", 8.0, False, 0), onesided=True, nyquist_dropped=False,
        center=True, pad_mode="constant", layout="bins_x_frames",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0 / win.sum(),
        files={"magnitude": "spectrogram.bin", "phase": "phases.bin"})

    def inverse(Zb):
        _, y = scipy.signal.istft(Zb, fs, window=('kaiser', 8.0), nperseg=301, noverlap=226, nfft=301)
        return y[:len(x)], None
    return truth, np.abs(Z), np.angle(Z), x, inverse


def _torch():
    try:
        import torch
    except ImportError as e:
        raise Skip(f"torch is not importable ({e}); install python3-torch")
    return torch


def case_torch_stft_center_reflect():
    torch = _torch()
    fs, x64 = load_source("noisy22k.wav")
    x = torch.from_numpy(x64.astype(np.float32))
    call = ("torch.stft(x, n_fft=1024, hop_length=256, win_length=800, "
            "window=torch.hann_window(800), center=True, pad_mode='reflect', return_complex=True)")
    Zt = eval(call, {"torch": torch, "x": x})
    Z = Zt.numpy()
    print(f"    torch.stft: input {x.dtype}, output {Zt.dtype} {tuple(Zt.shape)}, "
          f"|Z| {np.abs(Z).dtype}, angle {np.angle(Z).dtype}")
    truth = make_truth(
        producer="torch.stft", call=call, source="noisy22k.wav", fs=fs,
        signal_length=len(x64), n_fft=1024, hop=256, win_length=800,
        window=window_desc("hann", None, False, (1024 - 800) // 2), onesided=True,
        nyquist_dropped=False, center=True, pad_mode="reflect", layout="frames_x_bins",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0, files={"magnitude": "mag.f32", "phase": "phase.f32"})

    def inverse(Zb):
        y = torch.istft(torch.from_numpy(Zb), n_fft=1024, hop_length=256, win_length=800,
                        window=torch.hann_window(800, dtype=torch.float64), center=True,
                        length=len(x64))
        return y.numpy(), None
    return truth, np.abs(Z).T, np.angle(Z).T, x64, inverse


def case_torch_stft_nocenter():
    torch = _torch()
    fs, x64 = load_source("speech16k.wav")
    x = torch.from_numpy(x64.astype(np.float32))
    call = ("torch.stft(x, n_fft=512, hop_length=128, window=torch.hamming_window(512), "
            "center=False, return_complex=True)")
    Zt = eval(call, {"torch": torch, "x": x})
    Z = Zt.numpy()
    print(f"    torch.stft: input {x.dtype}, output {Zt.dtype} {tuple(Zt.shape)}")
    truth = make_truth(
        producer="torch.stft", call=call, source="speech16k.wav", fs=fs,
        signal_length=len(x64), n_fft=512, hop=128, win_length=512,
        window=window_desc("hamming", None, False, 0), onesided=True,
        nyquist_dropped=False, center=False, pad_mode="none", layout="bins_x_frames",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float32", byte_order="little",
        gain=1.0, files={"magnitude": "spectrogram.bin", "phase": "phases.bin"})

    def inverse(Zb):
        # no length=: with center=False torch.istft returns (frames-1)*hop + n_fft samples
        y = torch.istft(torch.from_numpy(Zb), n_fft=512, hop_length=128,
                        window=torch.hamming_window(512, dtype=torch.float64), center=False)
        y = y.numpy()
        mask = np.zeros(len(x64), dtype=bool)
        mask[:len(y)] = True
        out = np.zeros(len(x64))
        out[:len(y)] = y[:len(x64)]
        return out, mask
    return truth, np.abs(Z), np.angle(Z), x64, inverse


def case_numpy_manual_f64be():
    fs, x = load_source("noisy22k.wav")
    call = ("np.fft.rfft(x[np.arange(512)[None, :] + 256 * np.arange(1 + (len(x) - 512) // 256)[:, None]]"
            " * np.hanning(512), axis=1)")
    Zf = eval(call, {"np": np, "x": x})                            # frames x bins
    Z = Zf.T
    truth = make_truth(
        producer="numpy.fft.rfft (manual framing)", call=call, source="noisy22k.wav", fs=fs,
        signal_length=len(x), n_fft=512, hop=256, win_length=512,
        window=window_desc("hann", None, True, 0), onesided=True, nyquist_dropped=False,
        center=False, pad_mode="none", layout="frames_x_bins",
        frames=Z.shape[1], bins=Z.shape[0], dtype="float64", byte_order="big",
        gain=1.0, files={"magnitude": "magnitude.dat", "phase": "phase.dat"})

    def inverse(Zb):
        return wola(Zb, np.hanning(512), 256, 512, len(x))
    return truth, np.abs(Zf), np.angle(Zf), x, inverse


def case_octave_specgram():
    if shutil.which("octave") is None:
        raise Skip("octave not found; install octave octave-signal")
    fs, x = load_source("speech16k.wav")
    script = os.path.join(HERE, "make_octave_specgram.m")
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["octave", "--no-gui", "--quiet", "--norc", script,
                            os.path.join(SOURCE_DIR, "speech16k.wav"), tmp],
                           capture_output=True, text=True)
        meta = [l for l in r.stdout.splitlines() if l.startswith("META ")]
        if r.returncode != 0 or not meta:
            if "signal" in r.stderr and "pkg" in r.stderr:
                raise Skip("octave's signal package is missing; install octave-signal\n" + r.stderr)
            raise SystemExit(f"octave failed (rc {r.returncode}):\n{r.stdout}\n{r.stderr}")
        _, rows, cols, ofs, t1, t2, over, sigver, hw_err = meta[0].split()
        if float(hw_err) > 1e-15:
            raise SystemExit("octave's hanning(512) is not the symmetric hann with zero ends")
        rows, cols = int(rows), int(cols)
        print(f"    octave {over}, signal {sigver}: S is {rows} x {cols} (bins x frames), "
              f"max |hanning(512) - octave_hanning(512)| = {float(hw_err):.1e}, "
              f"t(1..2) = {t1}, {t2} s")
        mag = np.fromfile(os.path.join(tmp, "spec.bin"), dtype="<f4")
        ph = np.fromfile(os.path.join(tmp, "phase.bin"), dtype="<f4")
    # Octave wrote column-major: flat stream = frame 0's bins, frame 1's bins, ...
    mag = mag.reshape(cols, rows)
    ph = ph.reshape(cols, rows)
    truth = make_truth(
        producer="octave specgram (signal package)",
        call="[S,f,t] = specgram(x, 512, 16000, hanning(512), 384)",
        source="speech16k.wav", fs=fs, signal_length=len(x), n_fft=512, hop=512 - 384,
        # Octave 7's hanning(N) is 0.5 - 0.5*cos(2*pi*(0:N-1)/(N-1)): symmetric WITH zero
        # end points (= np.hanning), unlike MATLAB's hanning (no zero end points).
        win_length=512, window=window_desc("hann", None, True, 0, matlab_hanning=False),
        onesided=True, nyquist_dropped=True, center=False, pad_mode="none",
        layout="frames_x_bins", frames=cols, bins=rows, dtype="float32", byte_order="little",
        gain=1.0, files={"magnitude": "spec.bin", "phase": "phase.bin"})

    def inverse(Zb):
        # the Nyquist bin is not in the dump: put it back as zero
        Zfull = np.vstack([Zb, np.zeros((1, Zb.shape[1]))])
        return wola(Zfull, octave_hanning(512), 128, 512, len(x))
    return truth, mag, ph, x, inverse


CASES = {
    "scipy_stft_default": case_scipy_stft_default,
    "scipy_stft_hamming512": case_scipy_stft_hamming512,
    "scipy_stft_blackman_frames": case_scipy_stft_blackman_frames,
    "scipy_stft_odd": case_scipy_stft_odd,
    "torch_stft_center_reflect": case_torch_stft_center_reflect,
    "torch_stft_nocenter": case_torch_stft_nocenter,
    "numpy_manual_f64be": case_numpy_manual_f64be,
    "octave_specgram": case_octave_specgram,
}


def run_case(name):
    print(f"[{name}]")
    try:
        truth, mag, phase, x, inverse = CASES[name]()
    except Skip as e:
        print(f"    SKIPPED: {e}")
        return None
    outdir = os.path.join(HERE, name)
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    write_dump(outdir, truth, mag, phase)

    # verification 1: re-read, rebuild Z, invert with the producer's own inverse
    Zb = read_dump(outdir, truth)
    y, mask = inverse(Zb)
    snr = snr_db(x, y) if mask is None else snr_db(x[mask], y[mask])
    truth["oracle_snr_db"] = round(snr, 2)
    # verification 2: truth.json alone describes the dump
    mag_err, ph_err = check_truth(truth, x, Zb)
    if mag_err > 1e-5 or ph_err > 1e-2:
        raise SystemExit(f"{name}: truth.json does not reproduce the dump "
                         f"(mag err {mag_err:.3g}, phase err {ph_err:.3g})")

    with open(os.path.join(outdir, "truth.json"), "w") as fh:
        json.dump(truth, fh, indent=2)
        fh.write("\n")
    size = sum(os.path.getsize(os.path.join(outdir, f)) for f in os.listdir(outdir))
    compared = "all samples" if mask is None else f"{int(mask.sum())} of {len(x)} samples"
    print(f"    {truth['bins']} bins x {truth['frames']} frames, {truth['layout']}, "
          f"{truth['dtype']} {truth['byte_order']}, {size} bytes")
    print(f"    oracle SNR {snr:.2f} dB ({compared}); truth re-derivation: "
          f"max |mag| err {mag_err:.2e} of peak, max phase err {ph_err:.2e} rad")
    return name, truth, size


def main(argv):
    names = argv[1:] or list(CASES)
    bad = [n for n in names if n not in CASES]
    if bad:
        raise SystemExit(f"unknown case(s) {bad}; known: {list(CASES)}")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}")
    results = [r for r in (run_case(n) for n in names) if r]
    print("\n| case | bins x frames | layout | dtype | bytes | oracle SNR (dB) |")
    print("|---|---|---|---|---|---|")
    for name, t, size in results:
        print(f"| {name} | {t['bins']} x {t['frames']} | {t['layout']} | "
              f"{t['dtype']} {t['byte_order']} | {size} | {t['oracle_snr_db']} |")


if __name__ == "__main__":
    main(sys.argv)
