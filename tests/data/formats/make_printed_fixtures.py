#!/usr/bin/python3
"""Write the printed-array fixtures that tests/formats_text_test.cpp reads: what numpy, torch,
Python and Octave print for an array, saved as a file.

    /usr/bin/python3 tests/data/formats/make_printed_fixtures.py

Values are quarter steps, v(i) = (i % 17) * 0.25 - 2, which every printer writes exactly (numpy
"-1.75", torch "-1.7500", Octave "-1.75"), so the arrays read back bit for bit. Octave writes
mat2str.txt (octave-cli, skipped with a note when it is missing: the committed file stays).
printed_manifest.json lists each file's arrays in make_fixtures.py's schema (literal values; a
printed array reads as float64, byte order none, C order); the malformed files give the phrase
each error must contain.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "printed")
MANIFEST = {"formula": "v(i) = (i % 17) * 0.25 - 2", "files": [], "malformed": []}


def quarters(shape, start=0):
    n = math.prod(shape)
    return (np.array([(i % 17) * 0.25 - 2 for i in range(start, start + n)])).reshape(shape)


def literal(x):
    return [v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")) for v in x]


def entry(name, a):
    a = np.asarray(a)
    e = {"name": name, "dtype": "float64", "byte_order": "none", "shape": list(a.shape), "fortran_order": False,
         "kind": "literal", "values": literal(np.real(a).ravel().tolist())}
    if np.iscomplexobj(a):
        e["imag"] = literal(np.imag(a).ravel().tolist())
    return e


def write(name, text, arrays):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text)
    MANIFEST["files"].append({"file": "printed/" + name, "format": "text", "arrays": arrays})


def malformed(name, text, phrase):
    with open(os.path.join(OUT, "malformed", name), "w") as f:
        f.write(text)
    MANIFEST["malformed"].append({"file": "printed/malformed/" + name, "phrase": phrase})


def main():
    os.makedirs(os.path.join(OUT, "malformed"), exist_ok=True)
    np.set_printoptions(threshold=sys.maxsize, linewidth=75)
    # str(S) of a float32 magnitude, wrapped over lines as numpy wraps it.
    s = quarters((3, 9)).astype(np.float32)
    write("np_str.txt", str(s) + "\n", [entry("", s)])
    # repr(S): array([...], dtype=float32), 3-D, with nan and -inf (a dB spectrogram of silence).
    r = quarters((2, 3, 2), 5).astype(np.float32)
    r[0, 1, 0], r[1, 2, 1] = np.nan, -np.inf
    write("np_repr.txt", repr(r) + "\n", [entry("", r)])
    # A complex STFT: numpy prints 1.5-2.j.
    z = (quarters((2, 4), 3) + 1j * quarters((2, 4), 11)).astype(np.complex64)
    write("np_complex.txt", str(z) + "\n", [entry("", z)])
    # repr(S.tolist()) with a nan: Python's repr, not JSON (nan is no JSON token); complex numbers
    # in parentheses.
    lst = quarters((2, 3), 7)
    lst[1, 1] = np.nan
    zl = quarters((1, 3), 2) + 1j * quarters((1, 3), 9)
    write("list_repr.txt", repr(lst.tolist()) + "\n" + repr(zl.tolist()) + "\n", [entry("0", lst), entry("1", zl)])
    # print(t) of a tensor: tensor([[-2.0000, ...]]); and print(mag); print(phase) in one file.
    t = torch.from_numpy(quarters((4, 3), 1).astype(np.float32))
    torch.set_printoptions(profile="full")
    write("torch_print.txt", str(t) + "\n", [entry("", t.numpy())])
    mag, ph = quarters((2, 5), 20), quarters((2, 5), 30)
    write("two_arrays.txt", str(mag) + "\n" + str(ph) + "\n", [entry("0", mag), entry("1", ph)])
    # numpy.savetxt of a complex STFT (delimited text, read by formats/text_reader): (a+bj) fields.
    zt = quarters((3, 2), 13) + 1j * quarters((3, 2), 4)
    path = os.path.join(OUT, "savetxt_complex.txt")
    np.savetxt(path, zt)
    MANIFEST["files"].append({"file": "printed/savetxt_complex.txt", "format": "text", "arrays": [entry("", zt)]})
    # Octave's mat2str: [a b c;d e f].
    m = quarters((3, 4), 40)
    path = os.path.join(OUT, "mat2str.txt")
    if shutil.which("octave-cli"):
        subprocess.run(["octave-cli", "--no-gui", "--eval",
                        f"m = reshape(mod(40:51, 17) * 0.25 - 2, 4, 3)'; f = fopen('{path}', 'w'); "
                        "fprintf(f, '%s\\n', mat2str(m)); fclose(f);"], check=True)
    else:
        print("octave-cli missing: printed/mat2str.txt kept as committed")
    MANIFEST["files"].append({"file": "printed/mat2str.txt", "format": "text", "arrays": [entry("", m)]})
    # Malformed: numpy's summary print (the default threshold), a ragged list that is no JSON
    # either, a print cut short.
    np.set_printoptions(threshold=1000)
    malformed("summary.txt", str(quarters((40, 40)).astype(np.float32)) + "\n", "printed in summary")
    malformed("ragged.txt", "[[1.0, nan], [3.0]]\n", "not rectangular")
    np.set_printoptions(threshold=sys.maxsize)
    malformed("cut.txt", str(quarters((3, 9)))[:60], "ends inside")
    with open(os.path.join(HERE, "printed_manifest.json"), "w") as out:
        json.dump(MANIFEST, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
