#!/usr/bin/python3
"""Make the sample matrix samples/matrix/<case>/ from short excerpts of samples/source/*.wav.

Regenerate (from the repository root; needs Debian's python3-numpy, python3-scipy,
python3-torch, python3-matplotlib, octave and octave-signal):
    /usr/bin/python3 samples/matrix/make_matrix.py            # every case, then README table
    /usr/bin/python3 samples/matrix/make_matrix.py CASE ...   # only these cases

Each case folder gets source.wav (the exact int16 excerpt the producer was given, as 16-bit
PCM), the dump files and truth.json.  The producer call in truth.json ("call") is the string
that was evaluated; "written" holds the exact expressions whose values were written.
Before truth.json is written every case is verified (the run stops on a failure):
  1. the files are decoded with truth.json fields alone (matrix_lib.decode_dump) and compared
     with a generic numpy STFT built from truth.json alone (matrix_lib.generic_stft);
  2. the decoded Z is inverted with the producer's own inverse (scipy.signal.istft,
     torch.istft) or a plain weighted overlap-add, and the SNR against source.wav over the
     covered samples is "oracle_snr_db".
A case whose tool is missing is skipped with a message and its folder left as it is.
Deterministic: two runs give byte-identical files.
"""
import os
import shutil
import sys

sys.dont_write_bytecode = True  # keep samples/matrix/ free of __pycache__

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.io.wavfile  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix_lib as ml  # noqa: E402
from matrix_encodings import amplitude_to_db  # noqa: E402
from matrix_cases import CASES, Skip  # noqa: E402


def evaluate(expr, names):
    ns = {"np": np, "scipy": scipy, "amplitude_to_db": amplitude_to_db}
    ns.update(names)
    return eval(expr, ns)


def build_truth(c, fs, names, bins, frames):
    e = c["enc"]
    written = {}
    files = {"magnitude": None, "phase": None, "complex": None}
    for role, key in (("magnitude", "mag"), ("phase", "phase"), ("complex", "complex")):
        if e[key] is not None:
            expr = e[key] if c["layout"] == "bins_x_frames" else f"({e[key]}).T"
            written[role] = expr
            files[role] = c["files"][role]
    q = None
    if e["quantized"] is not None:
        q = dict(e["quantized"])
        if isinstance(q["hi"], str):
            q["hi"] = float(evaluate(q["hi"], names))
    ref = float(evaluate(e["magnitude_ref"], names)) if e["magnitude_ref"] else None
    s = c["stft"]
    return {
        "producer": c["producer"], "call": c["call"], "mode": c["mode"],
        "written": written if not c.get("written_by_tool") else c["written_by_tool"],
        "source": "../../source/" + c["source"], "source_start": c["start"],
        "signal_length": c["length"], "excerpt": "source.wav", "sample_rate": int(fs),
        "n_fft": s["n_fft"], "hop": s["hop"], "win_length": s["win_length"],
        "window": s["window"], "onesided": s["onesided"],
        "nyquist_dropped": s.get("nyquist_dropped", False), "fftshift": s.get("fftshift", False),
        "center": s["center"], "pad": s["pad"] if s["center"] else 0,
        "pad_mode": s["pad_mode"] if s["center"] else "none",
        "detrended": s.get("detrended", False),
        "phase_reference": s.get("phase_reference", "frame_start"),
        "layout": c["layout"], "frames": int(frames), "bins": int(bins),
        "dtype": e["dtype"], "phase_dtype": e["phase_dtype"], "byte_order": e["byte_order"],
        "magnitude_scale": e["magnitude_scale"], "magnitude_ref": ref,
        "magnitude_ref_rule": e["magnitude_ref_rule"],
        "magnitude_floor_db": e["magnitude_floor_db"], "magnitude_eps": e["magnitude_eps"],
        "psd_doubled": s.get("psd_doubled", False), "gain": float(s["gain"]),
        "phase_units": e["phase_units"], "quantized": q, "files": files,
    }


def write_files(c, outdir, truth, names, tool_files):
    if c.get("written_by_tool"):
        for role, path in tool_files.items():
            shutil.copyfile(path, os.path.join(outdir, truth["files"][role]))
        return
    for role, expr in truth["written"].items():
        kind = truth["phase_dtype"] if role == "phase" else truth["dtype"]
        a = np.asarray(evaluate(expr, names))
        expect = ((truth["bins"], truth["frames"]) if truth["layout"] == "bins_x_frames"
                  else (truth["frames"], truth["bins"]))
        assert a.shape == expect, (role, a.shape, expect)
        a.astype(ml.np_dtype(kind, truth["byte_order"])).tofile(
            os.path.join(outdir, truth["files"][role]))


def verify(c, outdir, truth):
    """Checks 1 and 2 of the module doc; returns the fields to add to truth.json."""
    fs, x = ml.read_excerpt(outdir)
    assert fs == truth["sample_rate"] and len(x) == truth["signal_length"]
    Z = ml.decode_dump(outdir, truth)
    Zr = ml.generic_stft(truth, x)
    peak = np.abs(Zr).max()
    mag_err = float(np.max(np.abs(np.abs(Z) - np.abs(Zr))) / peak)
    ph_err = None
    if truth["phase_units"] != "none" or truth["files"]["complex"]:
        # (a cell quantised to magnitude 0 has no phase to compare)
        strong = (np.abs(Zr) > 1e-3 * peak) & (np.abs(Z) > 0)
        d = np.angle(Z[strong] * np.conj(Zr[strong]))
        ph_err = float(np.max(np.abs(d)))
    tol_mag, tol_ph = c["enc"]["tol"]
    if mag_err > tol_mag or (ph_err is not None and ph_err > tol_ph):
        raise SystemExit(f"{c['name']}: truth.json does not reproduce the dump "
                         f"(mag err {mag_err:.3g} of peak, phase err {ph_err})")
    mask = ml.coverage_mask(truth, len(x))
    y = c["inverse"](Z, truth, len(x))
    out = {"oracle_inverse": c["inverse_desc"],
           "oracle_snr_db": round(ml.snr_db(x[mask], y[mask]), 2),
           "oracle_compared_samples": int(mask.sum())}
    notes = [n for n in (c["enc"]["note"], c.get("note")) if n]
    if truth["detrended"]:
        notes.append("detrended frames: the plain inverse cannot restore each frame's "
                     "removed mean, hence the low oracle_snr_db")
    if truth["nyquist_dropped"]:
        full = dict(truth, nyquist_dropped=False, bins=truth["bins"] + 1)
        Zf = np.vstack([Z, ml.generic_stft(full, x)[-1:]])
        yf = ml.plain_inverse(full, Zf, len(x))[0]
        notes.append("Nyquist row missing, put back as zero by the inverse; with the true "
                     f"Nyquist row the same inverse gives {ml.snr_db(x[mask], yf[mask]):.2f} dB")
    if truth["phase_units"] == "none" and not truth["files"]["complex"]:
        Zt = np.abs(Z) * np.exp(1j * np.angle(Zr))
        yt = c["inverse"](Zt, truth, len(x))
        out["oracle_snr_true_phase_db"] = round(ml.snr_db(x[mask], yt[mask]), 2)
        notes.append("magnitude only: oracle_snr_db is the oracle inverse of the magnitudes "
                     "with phase 0 (no phase retrieval); oracle_snr_true_phase_db is the same "
                     "inverse with the true phase (of the truth.json re-derivation) put back")
    out["oracle_note"] = " | ".join(notes) if notes else None
    out["check"] = {"max_mag_err_rel_peak": float(f"{mag_err:.3g}"),
                    "max_phase_err_rad": None if ph_err is None else float(f"{ph_err:.3g}")}
    return out


def run_case(c):
    name = c["name"]
    print(f"[{name}]")
    outdir = os.path.join(ml.HERE, name)
    fs, xi, x = ml.excerpt(c["source"], c["start"], c["length"])
    tmpdir = outdir + ".tmp"
    shutil.rmtree(tmpdir, ignore_errors=True)
    os.makedirs(tmpdir)
    try:
        scipy.io.wavfile.write(os.path.join(tmpdir, "source.wav"), fs, xi)
        names = c["produce"](x, fs, tmpdir)
        bins, frames = names.pop("_shape")
        tool_files = names.pop("_tool_files", {})
        truth = build_truth(c, fs, names, bins, frames)
        write_files(c, tmpdir, truth, names, tool_files)
        for f in tool_files.values():
            os.remove(f)
        truth.update(verify(c, tmpdir, truth))
        ml.write_json(os.path.join(tmpdir, "truth.json"), truth)
    except Skip as e:
        shutil.rmtree(tmpdir)
        print(f"    SKIPPED: {e}")
        return None
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    shutil.rmtree(outdir, ignore_errors=True)
    os.rename(tmpdir, outdir)
    size = sum(os.path.getsize(os.path.join(outdir, f)) for f in os.listdir(outdir))
    ch = truth["check"]
    print(f"    {truth['bins']} bins x {truth['frames']} frames {truth['layout']} "
          f"{truth['dtype']}; {size} bytes; oracle SNR {truth['oracle_snr_db']} dB "
          f"({truth['oracle_compared_samples']}/{len(x)} samples); re-derivation err "
          f"mag {ch['max_mag_err_rel_peak']:.2g}, phase {ch['max_phase_err_rad']}")


def main(argv):
    by_name = {c["name"]: c for c in CASES}
    names = argv[1:] or [c["name"] for c in CASES]
    bad = [n for n in names if n not in by_name]
    if bad:
        raise SystemExit(f"unknown case(s) {bad}")
    for n in names:
        run_case(by_name[n])
    import matrix_readme
    matrix_readme.write(CASES)
    total = sum(os.path.getsize(os.path.join(dp, f))
                for dp, _, fs in os.walk(ml.HERE) for f in fs if "__pycache__" not in dp)
    print(f"\n{len(names)} cases run; samples/matrix/ total {total} bytes")


if __name__ == "__main__":
    main(sys.argv)
