"""Shared machinery for make_matrix.py: excerpts, writing dumps, reading them back from
truth.json alone, a generic STFT and a plain weighted overlap-add built from truth.json.

Everything here works on Z with shape (bins, frames) in the "standard" convention:
the phase refers to the start of the n_fft frame, the spectrum is NOT fftshifted, and the
producer's gain is applied (Z = gain * FFT(frame * window)).  decode_dump() turns the
written files back into that standard Z using truth.json fields only, so the verification
checks that truth.json is a complete description of the bytes.
"""
import json
import os

import numpy as np
import scipy
import scipy.io.wavfile
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.join(os.path.dirname(HERE), "source")

# truth "dtype" -> numpy dtype (without byte order)
NP_KIND = {"float16": "f2", "float32": "f4", "float64": "f8", "int16": "i2",
           "uint8": "u1", "complex64": "c8", "complex128": "c16"}
# truth window family -> scipy.signal.get_window name
SCIPY_WINDOW = {"hann": "hann", "hamming": "hamming", "blackman": "blackman",
                "blackman_harris": "blackmanharris", "nuttall": "nuttall",
                "flattop": "flattop", "kaiser": "kaiser", "gaussian": "gaussian",
                "tukey": "tukey", "sine": "cosine", "triangular": "triang",
                "rectangular": "boxcar"}


def np_dtype(kind, byte_order):
    code = NP_KIND[kind]
    if code == "u1":
        return np.dtype("u1")
    return np.dtype(("<" if byte_order == "little" else ">") + code)


# --------------------------------------------------------------------------- source

def excerpt(source, start, length):
    """int16 samples source[start:start+length] and float64 x = int16 / 32768."""
    fs, xi = scipy.io.wavfile.read(os.path.join(SOURCE_DIR, source))
    if xi.dtype != np.int16 or xi.ndim != 1:
        raise SystemExit(f"{source}: expected mono int16, got {xi.dtype} {xi.shape}")
    if start + length > len(xi):
        raise SystemExit(f"{source}: excerpt {start}+{length} past the end ({len(xi)})")
    seg = xi[start:start + length].copy()
    return fs, seg, seg.astype(np.float64) / 32768.0


def read_excerpt(case_dir):
    """What a test would do: read source.wav from the case folder."""
    fs, xi = scipy.io.wavfile.read(os.path.join(case_dir, "source.wav"))
    return fs, xi.astype(np.float64) / 32768.0


# --------------------------------------------------------------------------- windows

def matlab_hanning(n):
    """MATLAB hanning(n): symmetric, without the zero end points (= np.hanning(n+2)[1:-1])."""
    k = np.arange(1, n + 1)
    return 0.5 - 0.5 * np.cos(2 * np.pi * k / (n + 1))


def truth_window(w, win_length):
    """The analysis window described by a truth.json "window" entry."""
    if w["family"] == "custom":
        return np.asarray(eval(w["expression"], {"np": np, "scipy": scipy}), dtype=np.float64)
    if w.get("matlab_hanning"):
        return matlab_hanning(win_length)
    name = SCIPY_WINDOW[w["family"]]
    spec = (name, w["param"]) if w["param"] is not None else name
    return scipy.signal.get_window(spec, win_length, fftbins=not w["symmetric"])


def window_desc(family, param=None, symmetric=False, offset=0, **extra):
    d = {"family": family, "param": param, "symmetric": symmetric, "offset": offset}
    d.update(extra)
    return d


# --------------------------------------------------------------------------- decoding

def read_role(case_dir, truth, role):
    """Read one file as float64 values (bins, frames); dequantised when truth says so."""
    name = truth["files"][role]
    kind = truth["phase_dtype"] if role == "phase" else truth["dtype"]
    a = np.fromfile(os.path.join(case_dir, name), dtype=np_dtype(kind, truth["byte_order"]))
    nb, nf = truth["bins"], truth["frames"]
    if a.size != nb * nf:
        raise AssertionError(f"{name}: {a.size} values, expected {nb} x {nf}")
    a = a.reshape(nb, nf) if truth["layout"] == "bins_x_frames" else a.reshape(nf, nb).T
    q = truth["quantized"]
    if q is not None and q["file"] == role:
        a = q["lo"] + (q["hi"] - q["lo"]) * (a.astype(np.float64) - q["code_lo"]) / (
            q["code_hi"] - q["code_lo"])
    if np.iscomplexobj(a):
        return a.astype(np.complex128)
    return a.astype(np.float64)


def magnitude_from_scale(v, truth):
    """Invert truth["magnitude_scale"]: written values -> |Z| (with the producer's gain)."""
    s = truth["magnitude_scale"]
    ref = truth["magnitude_ref"] if truth["magnitude_ref"] is not None else 1.0
    eps = truth["magnitude_eps"] or 0.0
    if s == "linear":
        a = v
    elif s == "power":
        a = np.sqrt(np.maximum(v, 0.0))
    elif s == "db20":
        a = ref * 10.0 ** (v / 20.0) - eps
    elif s == "db10":
        a = ref * 10.0 ** (v / 10.0) - eps
    elif s == "ln":
        a = np.exp(v) - eps
    elif s == "log10":
        a = 10.0 ** v - eps
    elif s == "log1p":
        a = np.expm1(v)
    else:
        raise AssertionError(s)
    a = np.maximum(a, 0.0)
    if truth["psd_doubled"]:
        # one-sided PSD: interior bins carry twice the power
        n_fft = truth["n_fft"]
        last = truth["bins"] if n_fft % 2 else truth["bins"] - 1
        a[1:last] /= np.sqrt(2.0)
    return a


def phase_from_units(v, truth):
    u = truth["phase_units"]
    if u in ("radians", "radians_0_2pi", "unwrapped_time", "unwrapped_freq"):
        return v
    if u == "degrees":
        return v * np.pi / 180.0
    if u == "cycles":
        return v * 2.0 * np.pi
    raise AssertionError(u)


def decode_dump(case_dir, truth):
    """truth.json + files -> standard Z (bins, frames): frame-start phase, unshifted,
    one-sided as written (two-sided stays two-sided), gain as the producer applied it.
    Magnitude-only dumps get phase 0."""
    if truth["files"].get("complex"):
        Z = read_role(case_dir, truth, "complex")
    else:
        mag = magnitude_from_scale(read_role(case_dir, truth, "magnitude"), truth)
        if truth["files"]["phase"]:
            ph = phase_from_units(read_role(case_dir, truth, "phase"), truth)
        else:
            ph = np.zeros_like(mag)
        Z = mag * np.exp(1j * ph)
    if truth["fftshift"]:
        Z = np.fft.ifftshift(Z, axes=0)
    n_fft, hop = truth["n_fft"], truth["hop"]
    k = np.arange(Z.shape[0])[:, None]
    if truth["phase_reference"] == "absolute_time":
        m = np.arange(Z.shape[1])[None, :]
        Z = Z * np.exp(2j * np.pi * k * m * hop / n_fft)
    elif truth["phase_reference"] == "frame_center":
        Z = Z * np.exp(-2j * np.pi * k * (n_fft // 2) / n_fft)
    return Z


# --------------------------------------------------------------------------- generic STFT

def generic_stft(truth, x):
    """A numpy STFT built only from truth.json fields (the re-derivation check).
    Frame t takes x_padded[t*hop + offset : t*hop + offset + win_length], optionally
    removes its mean (detrended), multiplies by the window, places it at `offset` in an
    n_fft buffer, FFTs it (rfft for one-sided) and multiplies by gain."""
    n_fft, hop, wl = truth["n_fft"], truth["hop"], truth["win_length"]
    off = truth["window"]["offset"]
    win = truth_window(truth["window"], wl)
    pad = truth["pad"]
    if truth["center"]:
        xp = np.pad(x, (pad, pad), mode=truth["pad_mode"])
    else:
        xp = x
    frames = truth["frames"]
    need = (frames - 1) * hop + off + wl
    if len(xp) < need:
        xp = np.concatenate([xp, np.zeros(need - len(xp))])
    idx = off + np.arange(wl)[:, None] + hop * np.arange(frames)[None, :]
    seg = xp[idx]
    if truth["detrended"]:
        seg = seg - seg.mean(axis=0, keepdims=True)
    buf = np.zeros((n_fft, frames))
    buf[off:off + wl] = seg * win[:, None]
    Z = np.fft.rfft(buf, axis=0) if truth["onesided"] else np.fft.fft(buf, axis=0)
    if truth["nyquist_dropped"]:
        Z = Z[:-1]
    assert Z.shape[0] == truth["bins"], (Z.shape, truth["bins"])
    return Z * truth["gain"]


def plain_inverse(truth, Z, length):
    """Plain weighted overlap-add from truth fields: sum of w * ifft(Z / gain) over
    sum of w^2, each frame put back at t*hop + offset - pad.  Returns (y, wsum)."""
    n_fft, hop, wl = truth["n_fft"], truth["hop"], truth["win_length"]
    off = truth["window"]["offset"]
    win = truth_window(truth["window"], wl)
    Zg = Z / truth["gain"]
    if truth["onesided"]:
        if truth["nyquist_dropped"]:
            Zg = np.vstack([Zg, np.zeros((1, Zg.shape[1]))])
        seg = np.fft.irfft(Zg, n=n_fft, axis=0)
    else:
        seg = np.fft.ifft(Zg, axis=0).real
    pad = truth["pad"] if truth["center"] else 0
    frames = Z.shape[1]
    total = max(length + 2 * pad, (frames - 1) * hop + off + wl)
    y = np.zeros(total)
    wsum = np.zeros(total)
    for t in range(frames):
        s = t * hop + off
        y[s:s + wl] += seg[off:off + wl, t] * win
        wsum[s:s + wl] += win ** 2
    nz = wsum > 1e-12
    y[nz] /= wsum[nz]
    return y[pad:pad + length], wsum[pad:pad + length]


def coverage_mask(truth, length):
    """Samples whose summed squared window is >= 1e-3 of its maximum."""
    _, wsum = plain_inverse(truth, np.zeros((truth["bins"], truth["frames"])), length)
    return wsum >= 1e-3 * wsum.max()


def snr_db(ref, est):
    ref = np.asarray(ref, dtype=np.float64)
    est = np.asarray(est, dtype=np.float64)
    err = np.sum((ref - est) ** 2)
    return float("inf") if err == 0 else float(10 * np.log10(np.sum(ref ** 2) / err))


def write_json(path, obj):
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=2)
        fh.write("\n")
