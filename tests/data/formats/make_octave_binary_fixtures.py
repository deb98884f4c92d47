#!/usr/bin/python3
"""Write the fixtures that tests/formats_octave_binary_test.cpp reads: GNU Octave's own
`save -binary`, `save -float-binary` and `save -mat4-binary` files (octave-cli writes them), each
beside a `save -mat-binary` (MAT v6, read by matio) twin of the same variables as the truth; and
big-endian Octave binary and MAT v4 files, which no little-endian machine's Octave writes,
written here by hand after the formats (Octave's libinterp/corefcn/ls-oct-binary.cc; MATLAB's
MAT-file v4 layout), with .npy twins as their truth.

    /usr/bin/python3 tests/data/formats/make_octave_binary_fixtures.py

octave_binary_manifest.json lists each file with its truth and the malformed files with the
phrase each error must contain.
"""
import json
import os
import struct
import subprocess
import tempfile

import numpy as np

FORMATS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FORMATS, "octave_binary")

OCTAVE = r"""
v = @(n, s) sin (0.37 * (s:s+n-1)) * 100 + (s:s+n-1) * 0.001;
mag = reshape (v (35, 0), 5, 7);
ph = single (reshape (v (35, 100), 5, 7));
z = complex (reshape (v (12, 200), 3, 4), reshape (v (12, 1200), 3, 4));
zf = single (z);
i16 = int16 (fix (reshape (v (6, 300), 2, 3)));
u8 = uint8 (fix (v (4, 400)) + 128);
fs = 16000;
t = 0:0.25:3;
st.fs = 22050; st.frames = reshape (v (6, 500), 3, 2);
c = {reshape(v (4, 600), 2, 2), 'a note'};
q = true (1, 3);
label = 'take 3';
cube = reshape (v (24, 700), 2, 3, 4);
save ('-binary', 'OUT/octave_le.bin', 'mag', 'ph', 'z', 'zf', 'i16', 'u8', 'fs', 't', 'st', 'c', 'q', 'label', 'cube');
save ('-mat-binary', 'OUT/octave_le_truth.mat', 'mag', 'ph', 'z', 'zf', 'i16', 'u8', 'fs', 't', 'cube');
save ('-float-binary', 'OUT/octave_float.bin', 'mag', 'z');
magf = single (mag); zs = single (z);
save ('-mat-binary', 'OUT/octave_float_truth.mat', 'magf', 'zs');
save ('-mat4-binary', 'OUT/mat4_le.mat', 'mag', 'z', 'fs', 'label');
save ('-mat-binary', 'OUT/mat4_le_truth.mat', 'mag', 'z', 'fs');
f = @(x) x + 1;
save ('-binary', 'OUT/malformed/handle_first.bin', 'f', 'mag');
save ('-binary', 'OUT/malformed/text_only.bin', 'label', 'q');
"""


def octave_be(path, variables):
    """Octave binary, big-endian: name, doc, global flag, type 255 and its name, dims, data."""
    out = bytearray(b"Octave-1-B\x01")
    for name, a in variables:
        out += struct.pack(">i", len(name)) + name.encode() + struct.pack(">i", 0) + b"\x00\xff"
        if a.dtype == np.int16:
            type_name, code = "int16 matrix", None
        elif np.iscomplexobj(a):
            type_name, code = "complex matrix", 7
        else:
            type_name, code = "matrix", 7
        out += struct.pack(">i", len(type_name)) + type_name.encode()
        out += struct.pack(">i", -a.ndim) + b"".join(struct.pack(">i", d) for d in a.shape)
        if code is not None:
            out += bytes([code])
        flat = a.flatten(order="F")
        if np.iscomplexobj(a):
            out += np.stack([flat.real, flat.imag], axis=1).astype(">f8").tobytes()
        else:
            out += flat.astype(">i2" if a.dtype == np.int16 else ">f8").tobytes()
    open(path, "wb").write(bytes(out))


def mat4_be(path, variables):
    out = bytearray()
    for name, a in variables:
        p = {np.dtype("float64"): 0, np.dtype("float32"): 1, np.dtype("complex128"): 0}[a.dtype]
        out += struct.pack(">5i", 1000 + p * 10, a.shape[0], a.shape[1], int(np.iscomplexobj(a)), len(name) + 1) + name.encode() + b"\0"
        flat = a.flatten(order="F")
        kind = ">f8" if p == 0 else ">f4"
        out += flat.real.astype(kind).tobytes()
        if np.iscomplexobj(a):
            out += flat.imag.astype(kind).tobytes()
    open(path, "wb").write(bytes(out))


def main():
    os.makedirs(os.path.join(OUT, "malformed"), exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".m", delete=False) as f:
        f.write(OCTAVE.replace("OUT", OUT))
    subprocess.run(["octave-cli", "--no-gui", "--quiet", "--norc", f.name], check=True)
    os.unlink(f.name)
    i = np.arange(35)
    v = np.sin(0.37 * i) * 100 + i * 0.001
    mag = v.reshape(5, 7, order="F")
    z = (v[:12] + 1j * v[12:24]).reshape(3, 4, order="F")
    i16 = np.trunc(v[:6]).astype(np.int16).reshape(2, 3, order="F")
    octave_be(os.path.join(OUT, "octave_be.bin"), [("mag", mag), ("z", z), ("i16", i16)])
    mag32 = mag.astype(np.float32)
    mat4_be(os.path.join(OUT, "mat4_be.mat"), [("mag", mag32), ("z", z)])
    for name, a in (("mag", mag), ("z", z), ("i16", i16), ("mag32", mag32)):
        np.save(os.path.join(OUT, f"be_truth_{name}.npy"), a.flatten(order="F"))
    le = open(os.path.join(OUT, "octave_le.bin"), "rb").read()
    m4 = open(os.path.join(OUT, "mat4_le.mat"), "rb").read()
    huge = bytearray(b"Octave-1-L\x00") + struct.pack("<i", 3) + b"mag" + struct.pack("<i", 0) + b"\x00\xff" + \
        struct.pack("<i", 6) + b"matrix" + struct.pack("<iii", -2, 10000, 10000) + b"\x07" + bytes(64)
    manifest = {
        "files": [
            {"file": "octave_binary/octave_le.bin", "truth": "octave_binary/octave_le_truth.mat"},
            {"file": "octave_binary/octave_float.bin", "truth": "octave_binary/octave_float_truth.mat",
             "rename": {"magf": "mag", "zs": "z"}},
            {"file": "octave_binary/mat4_le.mat", "truth": "octave_binary/mat4_le_truth.mat"},
        ],
        "npy": [
            {"file": "octave_binary/octave_be.bin", "arrays": {"mag": "be_truth_mag.npy", "z": "be_truth_z.npy", "i16": "be_truth_i16.npy"}},
            {"file": "octave_binary/mat4_be.mat", "arrays": {"mag": "be_truth_mag32.npy", "z": "be_truth_z.npy"}},
        ],
        "malformed": [],
    }
    for rel, data, phrase in (
            ("malformed/cut.bin", le[: len(le) // 3], "truncated or corrupt"),
            ("malformed/huge_dims.bin", bytes(huge), "truncated or corrupt"),
            ("malformed/mat4_second_cut.mat", m4[: len(m4) - 12], "is corrupt or its data run past the end"),
            ("malformed/handle_first.bin", None, "holds no numeric variable (variable 'f' is a function handle"),
            ("malformed/text_only.bin", None, "Octave binary file holds no numeric variable")):
        if data is not None:
            open(os.path.join(OUT, rel), "wb").write(data)
        manifest["malformed"].append({"file": "octave_binary/" + rel, "phrase": phrase})
    with open(os.path.join(FORMATS, "octave_binary_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
