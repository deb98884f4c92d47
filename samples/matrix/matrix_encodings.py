"""How a producer's output is turned into the bytes of a dump: the magnitude scale, phase
units, quantisation and element type.  Each encoding is a dict of exact numpy expressions
(evaluated on the producer's Z, or on M / P for producers that return magnitude and angle
separately) plus the truth.json fields that describe them.  make_matrix.py evaluates the
expressions as written here, so truth.json's "written" field is what ran.

Expression names: Z complex (bins, frames); np; amplitude_to_db (librosa's formula, below).
"""
import numpy as np


def amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=80.0):
    """librosa.amplitude_to_db (0.10/0.11) by hand: librosa is not a Debian package.
    = power_to_db(|S|^2, ref=ref(|S|)^2, amin=amin^2, top_db):
      10*log10(max(amin^2, |S|^2)) - 10*log10(max(amin^2, ref^2)), then floored at max - top_db."""
    magnitude = np.abs(S)
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    power = np.square(magnitude)
    log_spec = 10.0 * np.log10(np.maximum(amin ** 2, power))
    log_spec -= 10.0 * np.log10(np.maximum(amin ** 2, ref_value ** 2))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def enc(mag="np.abs(Z)", phase="np.angle(Z)", scale="linear", units="radians", **kw):
    d = {"mag": mag, "phase": phase, "magnitude_scale": scale, "phase_units": units,
         "magnitude_ref": None, "magnitude_ref_rule": None, "magnitude_floor_db": None,
         "magnitude_eps": None, "quantized": None, "dtype": "float32",
         "phase_dtype": None, "byte_order": "little", "complex": None,
         "tol": (1e-5, 1e-2), "note": None}
    d.update(kw)
    if d["phase"] is None:
        d["phase_units"] = "none"
    elif d["phase_dtype"] is None:
        d["phase_dtype"] = d["dtype"]
    return d


RADIANS = enc()
MAG_ONLY = enc(phase=None)
POWER_ONLY = enc(mag="np.abs(Z)**2", phase=None, scale="power")

# --- magnitude scales (phase stays radians float32)
SCALES = {
    "power": enc(mag="np.abs(Z)**2", scale="power"),
    "db20": enc(mag="20*np.log10(np.abs(Z) + 1e-10)", scale="db20", magnitude_eps=1e-10),
    "db20_from_power": enc(
        mag="10*np.log10(np.abs(Z)**2 + 1e-20)", scale="db20",
        note="10*log10(|Z|^2 + 1e-20) is the db20 scale (20*log10|Z|); the 1e-20 on the "
             "power is an amplitude floor of 1e-10, far below every nonzero |Z| here"),
    "db10": enc(mag="10*np.log10(np.abs(Z) + 1e-10)", scale="db10", magnitude_eps=1e-10),
    "ln": enc(mag="np.log(np.abs(Z) + 1e-6)", scale="ln", magnitude_eps=1e-6),
    "log10": enc(mag="np.log10(np.abs(Z) + 1e-6)", scale="log10", magnitude_eps=1e-6),
    "log1p": enc(mag="np.log1p(np.abs(Z))", scale="log1p"),
    "db_refmax_top80": enc(
        mag="amplitude_to_db(np.abs(Z), ref=np.max, top_db=80.0)", scale="db20",
        magnitude_ref="np.abs(Z).max()", magnitude_ref_rule="max", magnitude_floor_db=-80.0,
        tol=(2e-4, 1e-2),
        note="librosa-style amplitude_to_db(ref=np.max, top_db=80): max is exactly 0 dB, "
             "everything below -80 dB is clipped to -80 (decoded as the floor value)"),
    "db_refmax_top80_uint8": enc(
        mag="np.round((amplitude_to_db(np.abs(Z), ref=np.max, top_db=80.0) + 80.0) / 80.0 * 255.0)",
        phase=None, scale="db20", dtype="uint8",
        magnitude_ref="np.abs(Z).max()", magnitude_ref_rule="max", magnitude_floor_db=-80.0,
        quantized={"dtype": "uint8", "lo": -80.0, "hi": 0.0, "code_lo": 0, "code_hi": 255,
                   "file": "magnitude"},
        tol=(0.03, None),
        note="magnitude only, as an 8-bit image: code = round((dB + 80) / 80 * 255); "
             "dB = -80 + 80 * code / 255 (0.16 dB steps)"),
    "int16_linear": enc(
        mag="np.round(np.abs(Z) / np.abs(Z).max() * 32767)", dtype="int16",
        phase_dtype="float32", quantized={"dtype": "int16", "lo": 0.0, "hi": "np.abs(Z).max()",
                                          "code_lo": 0, "code_hi": 32767, "file": "magnitude"},
        tol=(2e-5, 1e-2),
        note="magnitude as int16 codes 0..32767 (value = hi * code / 32767), phase float32"),
    "uint8_linear": enc(
        mag="np.round(np.abs(Z) / np.abs(Z).max() * 255)", dtype="uint8",
        phase_dtype="float32", quantized={"dtype": "uint8", "lo": 0.0, "hi": "np.abs(Z).max()",
                                          "code_lo": 0, "code_hi": 255, "file": "magnitude"},
        tol=(2.5e-3, 1e-2),
        note="magnitude as uint8 codes 0..255 (value = hi * code / 255; most cells of speech "
             "are code 0 or 1), phase float32"),
    "float16": enc(dtype="float16", tol=(1e-3, 5e-3),
                   note="float16 magnitude and phase (about 3 significant digits)"),
}

# --- phase units (magnitude stays linear float32)
PHASES = {
    "degrees": enc(phase="np.degrees(np.angle(Z))", units="degrees"),
    "cycles": enc(phase="np.angle(Z) / (2*np.pi)", units="cycles"),
    "0_2pi": enc(phase="np.mod(np.angle(Z), 2*np.pi)", units="radians_0_2pi"),
    "unwrap_time": enc(phase="np.unwrap(np.angle(Z), axis=1)", units="unwrapped_time"),
    "int16": enc(phase="np.round(np.angle(Z) / np.pi * 32767)", phase_dtype="int16",
                 quantized={"dtype": "int16", "lo": -np.pi, "hi": np.pi, "code_lo": -32767,
                            "code_hi": 32767, "file": "phase"},
                 tol=(1e-5, 2e-4),
                 note="phase as int16 codes: code = round(phase / pi * 32767); "
                      "phase = -pi + 2*pi * (code + 32767) / 65534"),
}

F64BE = enc(dtype="float64", byte_order="big", tol=(1e-12, 1e-8))
COMPLEX64 = enc(mag=None, phase=None, scale="complex", dtype="complex64", complex="Z",
                note="one file of interleaved complex64 (re, im float32 pairs), little-endian")
