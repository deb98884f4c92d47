"""Case builders, one per producer: each turns a few arguments into a case dict holding the
exact call string, the truth.json STFT fields derived from the producer's documented
behaviour (checked later against the dump by make_matrix.verify), a produce() that runs the
call, and the oracle inverse.  The case list itself is in matrix_cases.py.

A case dict: name, what, source/start/length (the excerpt), producer, call, mode, stft
(truth fields), enc (matrix_encodings), layout, files, produce(x, fs, outdir) -> names for
the write expressions plus "_shape" = (bins, frames), inverse(Z, truth, L) -> y, inverse_desc.
"""
import os
import shutil
import subprocess

import numpy as np
import scipy
import scipy.signal

import matrix_lib as ml
from matrix_encodings import RADIANS

SPEECH = ("speech16k.wav", 4000, 8001)     # 0.5 s with speech, 16 kHz
SPEECH_SHORT = ("speech16k.wav", 4000, 4801)
NOISY = ("noisy22k.wav", 0, 13000)         # 0.59 s, 22.05 kHz
SRC_FS = {"speech16k.wav": 16000.0, "noisy22k.wav": 22050.0}


class Skip(Exception):
    """A case cannot be made here (a tool is missing)."""


def _files(enc, files):
    """files: None (magnitude.bin / phase.bin) or a (magnitude, phase) name pair."""
    if enc["complex"]:
        return {"complex": "stft.c64"}
    mag, ph = files or ("magnitude.bin", "phase.bin")
    return {"magnitude": mag, "phase": ph}


def _case(name, what, src, producer, call, mode, stft, enc, layout, files, produce,
          inverse, inverse_desc, note=None, **extra):
    d = {"name": name, "what": what, "source": src[0], "start": src[1], "length": src[2],
         "producer": producer, "call": call, "mode": mode, "stft": stft, "enc": enc,
         "layout": layout, "files": _files(enc, files), "produce": produce,
         "inverse": inverse, "inverse_desc": inverse_desc, "note": note}
    d.update(extra)
    return d


def _fit(y, length):
    """Producer inverses return their own length; align to the excerpt (zeros past the end)."""
    y = np.real(np.asarray(y, dtype=np.complex128 if np.iscomplexobj(y) else np.float64))
    out = np.zeros(length)
    n = min(length, len(y))
    out[:n] = y[:n]
    return out


def plain(Z, truth, length):
    return ml.plain_inverse(truth, Z, length)[0]


PLAIN_DESC = "plain weighted overlap-add from truth.json (matrix_lib.plain_inverse)"


# --------------------------------------------------------------------------- scipy.signal.stft

def scipy_stft(name, what, window="'hann'", wdesc=None, nperseg=512, noverlap=384, nfft=None,
               boundary="zeros", padded=True, onesided=True, src=SPEECH, enc=RADIANS,
               layout="bins_x_frames", files=None, note=None, own_inverse=True):
    """own_inverse=False: the oracle is the plain overlap-add (scipy.signal.istft cannot
    give back the whole signal, e.g. with padded=False it stops at (frames-1)*hop)."""
    args = "" if window == "'hann'" else f", window={window}"
    args += f", nperseg={nperseg}, noverlap={noverlap}"
    args += f", nfft={nfft}" if nfft else ""
    args += "" if boundary == "zeros" else f", boundary={boundary!r}"
    args += "" if padded else ", padded=False"
    args += "" if onesided else ", return_onesided=False"
    call = f"scipy.signal.stft(x, fs{args})"
    n_fft = nfft or nperseg
    w = eval(window, {"np": np, "scipy": scipy})
    win = np.asarray(w) if isinstance(w, np.ndarray) else scipy.signal.get_window(w, nperseg)
    stft = {"n_fft": n_fft, "hop": nperseg - noverlap, "win_length": nperseg,
            "window": wdesc or ml.window_desc("hann"), "onesided": onesided,
            "center": boundary is not None, "pad": nperseg // 2, "pad_mode": "constant",
            "gain": 1.0 / win.sum()}

    def produce(x, fs, outdir):
        f, t, Z = eval(call, {"scipy": scipy, "np": np, "x": x, "fs": fs})
        return {"Z": Z, "_shape": Z.shape}

    inv_args = args.replace(", padded=False", "").replace(", boundary=None", "")
    inv_args = inv_args.replace(", return_onesided=False", "")
    inv = (f"scipy.signal.istft(Z, fs{inv_args}"
           f"{'' if onesided else ', input_onesided=False'}"
           f"{'' if boundary is not None else ', boundary=False'})")

    def inverse(Z, truth, length):
        _, y = eval(inv, {"scipy": scipy, "np": np, "Z": Z, "fs": truth["sample_rate"]})
        return _fit(y, length)
    if not own_inverse:
        return _case(name, what, src, "scipy.signal.stft", call, "complex", stft, enc, layout,
                     files, produce, plain, PLAIN_DESC, note)
    return _case(name, what, src, "scipy.signal.stft", call, "complex", stft, enc, layout,
                 files, produce, inverse, inv, note)


# --------------------------------------------------------------------------- scipy.signal.spectrogram

def spectrogram(name, what, modes=("complex",), nperseg=256, noverlap=None,
                window=("tukey", 0.25), detrend=True, src=NOISY, enc=None, layout="bins_x_frames",
                files=None, note=None):
    """modes: ("complex",) one call, Z; ("magnitude", "angle"|"phase") two calls, M and P;
    ("psd",) one call, S (power, interior bins doubled).  Arguments equal to spectrogram's
    defaults are left out of the call."""
    kwargs = "" if window == ("tukey", 0.25) else f", window={window!r}"
    kwargs += "" if nperseg == 256 else f", nperseg={nperseg}"
    kwargs += "" if noverlap is None else f", noverlap={noverlap}"
    kwargs += "" if detrend else ", detrend=False"
    hop = nperseg - (noverlap if noverlap is not None else nperseg // 8)
    win = scipy.signal.get_window(window, nperseg)
    if modes == ("psd",):
        call = f"scipy.signal.spectrogram(x, fs{kwargs})[2]"
    elif modes == ("complex",):
        call = f"scipy.signal.spectrogram(x, fs{kwargs}, mode='complex')[2]"
    else:
        call = "(" + ", ".join(f"scipy.signal.spectrogram(x, fs{kwargs}, mode='{m}')[2]"
                               for m in modes) + ")"
    gain = np.sqrt(1.0 / (SRC_FS[src[0]] * (win ** 2).sum()))
    param = window[1] if isinstance(window, tuple) else None
    family = window[0] if isinstance(window, tuple) else window
    stft = {"n_fft": nperseg, "hop": hop, "win_length": nperseg,
            "window": ml.window_desc(family, param), "onesided": True, "center": False,
            "pad": 0, "pad_mode": "none", "detrended": detrend, "gain": gain,
            "psd_doubled": modes == ("psd",)}

    def produce(x, fs, outdir):
        r = eval(call, {"scipy": scipy, "x": x, "fs": fs})
        if modes == ("complex",):
            return {"Z": r, "_shape": r.shape}
        if modes == ("psd",):
            return {"S": r, "_shape": r.shape}
        return {"M": r[0], "P": r[1], "_shape": r[0].shape}
    return _case(name, what, src, "scipy.signal.spectrogram", call, "+".join(modes), stft, enc,
                 layout, files or ("Sxx.bin", "Sxx_phase.bin"), produce, plain, PLAIN_DESC,
                 note)


# --------------------------------------------------------------------------- matplotlib.mlab.specgram

def mlab_specgram(name, what, modes=("magnitude", "angle"), nfft=256, noverlap=128, pad_to=None,
                  src=NOISY, enc=None, layout="bins_x_frames", files=None, note=None):
    kw = f"NFFT={nfft}, Fs=fs, noverlap={noverlap}" + (f", pad_to={pad_to}" if pad_to else "")
    calls = [f"matplotlib.mlab.specgram(x, {kw}, mode='{m}')[0]" for m in modes]
    call = calls[0] if len(calls) == 1 else "(" + ", ".join(calls) + ")"
    win = np.hanning(nfft)                                    # mlab.window_hanning
    fs = SRC_FS[src[0]]
    psd = modes == ("psd",)
    stft = {"n_fft": pad_to or nfft, "hop": nfft - noverlap, "win_length": nfft,
            "window": ml.window_desc("hann", None, True), "onesided": True, "center": False,
            "pad": 0, "pad_mode": "none",
            "gain": 1.0 / np.sqrt(fs * (win ** 2).sum()) if psd else 1.0 / win.sum(),
            "psd_doubled": psd}

    def produce(x, fs, outdir):
        try:
            import matplotlib
            import matplotlib.mlab  # noqa: F401
        except ImportError as e:
            raise Skip(f"matplotlib is not importable ({e}); install python3-matplotlib")
        r = eval(call, {"matplotlib": matplotlib, "x": x, "fs": fs})
        if len(modes) == 1:
            return {"S": r, "_shape": r.shape}
        return {"M": r[0], "P": r[1], "_shape": r[0].shape}
    return _case(name, what, src, "matplotlib.mlab.specgram", call, "+".join(modes), stft, enc,
                 layout, files or ("spec.dat", "phase.dat"), produce, plain, PLAIN_DESC, note)


# --------------------------------------------------------------------------- torch.stft

def _torch():
    try:
        import torch
    except ImportError as e:
        raise Skip(f"torch is not importable ({e}); install python3-torch")
    return torch


def torch_stft(name, what, n_fft=512, hop=128, win_length=None, window="hann", center=True,
               pad_mode="reflect", normalized=False, onesided=True, src=SPEECH, enc=RADIANS,
               layout="bins_x_frames", files=None, note=None):
    wl = win_length or n_fft
    call = f"torch.stft(x, n_fft={n_fft}, hop_length={hop}"
    call += f", win_length={wl}" if win_length else ""
    call += f", window=torch.{window}_window({wl})"
    call += f", center=True, pad_mode='{pad_mode}'" if center else ", center=False"
    call += ", normalized=True" if normalized else ""
    call += "" if onesided else ", onesided=False"
    call += ", return_complex=True)"
    stft = {"n_fft": n_fft, "hop": hop, "win_length": wl,
            "window": ml.window_desc(window, None, False, (n_fft - wl) // 2),
            "onesided": onesided, "center": center, "pad": n_fft // 2, "pad_mode": pad_mode,
            "gain": 1.0 / np.sqrt(n_fft) if normalized else 1.0}
    inv = (f"torch.istft(torch.from_numpy(Z), n_fft={n_fft}, hop_length={hop}, win_length={wl}, "
           f"window=torch.{window}_window({wl}, dtype=torch.float64), center={center}, "
           f"normalized={normalized}, onesided={onesided}"
           + (", length=L" if center else "") + ")")

    def produce(x, fs, outdir):
        torch = _torch()
        xt = torch.from_numpy(x.astype(np.float32))
        Z = eval(call, {"torch": torch, "x": xt}).numpy()
        return {"Z": Z, "_shape": Z.shape}

    def inverse(Z, truth, length):
        torch = _torch()
        y = eval(inv, {"torch": torch, "Z": Z.astype(np.complex128), "L": length})
        return _fit(y.numpy(), length)
    return _case(name, what, src, "torch.stft", call, "complex", stft, enc, layout,
                 files or ("mag.f32", "phase.f32"), produce, inverse,
                 inv + " (complex128 input, float64 window)", note)


# --------------------------------------------------------------------------- numpy by hand

def numpy_manual(name, what, code, stft, src=SPEECH, enc=RADIANS, layout="frames_x_bins",
                 files=None, note=None):
    """code: statements run with x, np, scipy; they leave the frames x bins spectrum in Zf."""
    def produce(x, fs, outdir):
        ns = {"np": np, "scipy": scipy, "x": x}
        exec(code, ns)
        Z = ns["Zf"].T
        return {"Z": Z, "_shape": Z.shape}
    stft = dict(stft, center=False, pad=0, pad_mode="none", gain=1.0)
    return _case(name, what, src, "numpy (by hand)", code, "complex", stft, enc, layout,
                 files or ("magnitude.raw", "phase.raw"), produce, plain, PLAIN_DESC, note)


# --------------------------------------------------------------------------- Octave specgram

OCTAVE_SCRIPT = os.path.join(ml.HERE, "octave_specgram_matrix.m")


def octave_specgram(name, what, call, n_fft, hop, win_length, wdesc, win_expr, src=SPEECH,
                    note=None):
    """call: Octave statement setting S from x, e.g. "S = specgram(x, 512, 16000, hamming(400), 240);".
    The script writes abs(S) and arg(S) with fwrite (column-major: frames_x_bins)."""
    files = ("spec.bin", "phase.bin")
    nyq_dropped = n_fft % 2 == 0
    stft = {"n_fft": n_fft, "hop": hop, "win_length": win_length, "window": wdesc,
            "onesided": True, "nyquist_dropped": nyq_dropped, "center": False, "pad": 0,
            "pad_mode": "none", "gain": 1.0}

    def produce(x, fs, outdir):
        if shutil.which("octave") is None:
            raise Skip("octave not found; install octave octave-signal")
        winfile = os.path.join(outdir, "_window.f64")
        r = subprocess.run(["octave", "--no-gui", "--quiet", "--norc", OCTAVE_SCRIPT,
                            os.path.join(outdir, "source.wav"), outdir, call, win_expr],
                           capture_output=True, text=True)
        meta = [ln for ln in r.stdout.splitlines() if ln.startswith("META ")]
        if r.returncode != 0 or not meta:
            if "signal" in r.stderr and "pkg" in r.stderr:
                raise Skip("octave's signal package is missing; install octave-signal")
            raise SystemExit(f"octave failed (rc {r.returncode}):\n{r.stdout}\n{r.stderr}")
        _, rows, cols, over, sigver = meta[0].split()
        w_oct = np.fromfile(winfile, dtype="<f8")
        os.remove(winfile)
        w_truth = ml.truth_window(wdesc, win_length)
        err = float(np.max(np.abs(w_oct - w_truth)))
        if err > 1e-12:
            raise SystemExit(f"{name}: Octave's {win_expr} differs from the truth window by {err}")
        print(f"    octave {over}, signal {sigver}: S is {rows} x {cols} (bins x frames); "
              f"{win_expr} = truth window to {err:.1e}")
        return {"_shape": (int(rows), int(cols))}
    return _case(name, what, src, "octave specgram (signal package)", call, "complex", stft,
                 dict(RADIANS), "frames_x_bins", files, produce, plain,
                 PLAIN_DESC + ", Nyquist row put back as zero" if nyq_dropped else PLAIN_DESC,
                 note, written_by_tool={"magnitude": "fwrite(fid, abs(S), 'float32', 0, 'ieee-le')",
                                        "phase": "fwrite(fid, arg(S), 'float32', 0, 'ieee-le')"})
