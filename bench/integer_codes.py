#!/usr/bin/python3
"""Spectrograms stored as integer or half-precision codes, run blind through `specrecon infer`.

    bench/integer_codes.py SPECRECON WORKDIR

|scipy.signal.stft| (Hann 512, hop 128) of the seven recordings of bench/magnitude_only_matrix.py's
sets "held" and "n256", magnitude only, stored as
  int16be   round(|X| / max * 32767), big-endian int16
  uint16le  round(|X| / max * 65535), little-endian uint16
  f16le     float16;  f64be  big-endian float64
and, for speech16k, magnitude with its phase (np.angle) as pairs of files:
  f32 + i16be, i16be + i16be, u16le + i16le, u16be + i16be, i16le + i16le, i16le + f32, f16 + f16
(phase codes round(phase / pi * 32767)). n_fft, hop, the family (Hann) and a linear scale must be
exact. Prints one line per dump and the count. Needs python3-numpy, python3-scipy, espeak-ng, sox.
"""
import json
import os
import subprocess
import sys

import numpy as np
import scipy.signal as sg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import magnitude_only_matrix as mm  # noqa: E402


def run(exe, files, fs):
    p = subprocess.run([exe, "infer", *files, "--json", "--sample-rate", str(fs)], capture_output=True, text=True)
    if p.returncode != 0:
        return False, (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:160]
    r = json.loads(p.stdout)
    st = r["stft"]
    got = (st["n_fft"], st["hop"], st["window"]["family"], r["magnitude_scale"]["kind"],
           [(i["role"], i["dtype"], i["byte_order"]) for i in r["inputs"]])
    return got[:4] == (512, 128, "hann", "linear"), got


def main():
    exe, work, srcs = mm.seven_recordings_setup(__doc__)
    mag, ph = os.path.join(work, "codes_mag.bin"), os.path.join(work, "codes_phase.bin")
    ok = total = 0
    for name, (fs, x) in srcs.items():
        z = sg.stft(x, fs, nperseg=512, noverlap=384)[2]
        m, p = np.abs(z), np.angle(z)
        pc = np.round(p / np.pi * 32767)
        singles = {"int16be": (np.round(m / m.max() * 32767), ">i2"), "uint16le": (np.round(m / m.max() * 65535), "<u2"),
                   "f16le": (m, "<f2"), "f64be": (m, ">f8")}
        for kind, (data, dt) in singles.items():
            data.astype(dt).tofile(mag)
            good, got = run(exe, [mag], fs)
            ok += good
            total += 1
            print(f"{'ok  ' if good else 'FAIL'} {name} {kind}: {got}", flush=True)
        if name != "speech16k":
            continue
        i16 = np.round(m / m.max() * 32767)
        u16 = np.round(m / m.max() * 65535)
        pairs = {"f32 + i16be": ((m, "<f4"), (pc, ">i2")), "i16be + i16be": ((i16, ">i2"), (pc, ">i2")),
                 "u16le + i16le": ((u16, "<u2"), (pc, "<i2")), "u16be + i16be": ((u16, ">u2"), (pc, ">i2")),
                 "i16le + i16le": ((i16, "<i2"), (pc, "<i2")), "i16le + f32": ((i16, "<i2"), (p, "<f4")),
                 "f16 + f16": ((m, "<f2"), (p, "<f2"))}
        for kind, ((md, mt), (pd, pt)) in pairs.items():
            md.astype(mt).tofile(mag)
            pd.astype(pt).tofile(ph)
            good, got = run(exe, [mag, ph], fs)
            ok += good
            total += 1
            print(f"{'ok  ' if good else 'FAIL'} {name} {kind}: {got}", flush=True)
    for f in (mag, ph):
        if os.path.exists(f):
            os.remove(f)
    print(f"{ok} of {total} exact")


if __name__ == "__main__":
    main()
