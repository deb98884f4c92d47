#!/usr/bin/python3
"""Write the small files that tests/formats_*_test.cpp read, with the real tools.

    /usr/bin/python3 tests/data/formats/make_fixtures.py

Needs Debian's python3-numpy, python3-scipy, python3-h5py, python3-hdf5storage, and for some
files python3-torch and octave (make_fixtures.m); a missing tool skips its files with a message.

Value formula (the same in make_fixtures.m and tests/formats_fixtures.h):
    v(i) = sin(0.37*i)*100 + i*0.001        (float64; math.sin, i.e. the C library's sin)
    float16/float32/float64: v(i) cast to the type (round to nearest)
    integer types:           trunc(v(i)), plus 128 for unsigned types (values -100..228)
    complex:                 real part v(i), imaginary part v(i+1000), each cast
Every array is made so that its elements appear IN THE FILE in the order i = start, start+1, ...
(for column-major containers the array is built accordingly). manifest.json lists, per file,
what the tool was asked to write: format, and per array the name, dtype, byte order, shape as
stored, fortran_order, kind (float|int|complex|literal), start index (or the literal values),
and for raw files the header length. The tests read the files without hints and compare.

Malformed files (malformed/) are derived from valid ones by truncating or corrupting bytes;
each has the phrase its error message must contain in manifest.json ("malformed").
Dates that tools write into headers are replaced by fixed text, so two runs give the same bytes
(except HDF5 files, whose library may record times).
"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import h5py
import numpy as np
import scipy.io

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = {"formula": "v(i) = sin(0.37*i)*100 + i*0.001", "files": [], "malformed": []}


def v(n, start=0):
    return np.array([math.sin(0.37 * i) * 100 + i * 0.001 for i in range(start, start + n)],
                    dtype=np.float64)


def ints(n, start, unsigned):
    return np.trunc(v(n, start)) + (128 if unsigned else 0)


def path(rel):
    p = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


DTYPE_NAMES = {"f2": "float16", "f4": "float32", "f8": "float64", "i1": "int8", "u1": "uint8",
               "i2": "int16", "u2": "uint16", "i4": "int32", "u4": "uint32", "i8": "int64",
               "u8": "uint64", "c8": "complex64", "c16": "complex128"}


def values_for(code, n, start):
    """Array of numpy type `code` (e.g. '<f4') holding the formula values from `start`."""
    kind = code[1:]
    if kind.startswith("c"):
        return (v(n, start) + 1j * v(n, start + 1000)).astype(code)
    if kind.startswith("f"):
        return v(n, start).astype(code)
    return ints(n, start, kind.startswith("u")).astype(code)


def array_entry(name, code, shape, fortran=False, start=0, literal=None):
    kind = code[1:]
    order = {"<": "little", ">": "big", "|": "none", "=": "little"}[code[0]]
    if kind in ("i1", "u1"):
        order = "none"
    e = {"name": name, "dtype": DTYPE_NAMES[kind], "byte_order": order, "shape": list(shape),
         "fortran_order": fortran}
    if literal is not None:
        # Non-finite literals as strings ("nan", "inf", "-inf"): JSON has no NaN.
        e.update(kind="literal", values=[float(x) if math.isfinite(x) else repr(float(x))
                                         for x in literal])
    else:
        e.update(kind="complex" if kind.startswith("c") else
                 "float" if kind.startswith("f") else "int", start=start)
    return e


def add(rel, fmt, arrays, **extra):
    e = {"file": rel, "format": fmt, "arrays": arrays}
    e.update(extra)
    MANIFEST["files"].append(e)


def fix_mat_header(p, tool):
    """Replace the date in a MAT v5 / v7.3 text header by fixed text of the same length."""
    with open(p, "r+b") as f:
        head = f.read(116)
        keep = head[:head.index(b"MAT-file") + 8] if b"MAT-file" in head else head[:19]
        text = (keep + b", written by " + tool.encode() + b" for specrecon tests").ljust(116)
        f.seek(0)
        f.write(text[:116])


def c_order_of(x, shape):
    """x (file order) as an array of `shape` whose column-major order is x."""
    return np.asarray(x).reshape(tuple(reversed(shape))).T


# --------------------------------------------------------------------------- raw

def make_raw():
    for code, rel in [("<f4", "raw/f32le.bin"), (">f4", "raw/f32be.bin"), ("<f8", "raw/f64le.bin"),
                      (">f8", "raw/f64be.bin"), ("<f2", "raw/f16le.bin"), ("<i2", "raw/i16le.bin"),
                      (">i2", "raw/i16be.bin")]:
        values_for(code, 300, 0).tofile(path(rel))
        add(rel, "raw", [array_entry("", code, [300])], header_bytes=0)
    # A C-struct header: magic, version, count, a description, dtype code, data offset.
    desc = b"magnitude, 300 float32 values, written by make_fixtures.py".ljust(68, b"\0")
    hdr = b"SPCDUMP\0" + struct.pack("<iiq", 2, 1, 300) + desc + struct.pack("<ii", 11, 100)
    assert len(hdr) == 100
    with open(path("raw/header100_f32le.bin"), "wb") as f:
        f.write(hdr + values_for("<f4", 300, 0).tobytes())
    add("raw/header100_f32le.bin", "raw", [array_entry("", "<f4", [300])], header_bytes=100)
    # An odd-length header in front of float64 big-endian data.
    with open(path("raw/header7_f64be.bin"), "wb") as f:
        f.write(b"SR\x01\x00\x00\x01\x2c" + values_for(">f8", 300, 0).tobytes())
    add("raw/header7_f64be.bin", "raw", [array_entry("", ">f8", [300])], header_bytes=7)
    # A text header line, as some tools write before binary data.
    with open(path("raw/textheader_f32be.bin"), "wb") as f:
        f.write(b"# spectrogram dump: 300 x float32 big-endian\n" + values_for(">f4", 300, 0).tobytes())
    add("raw/textheader_f32be.bin", "raw", [array_entry("", ">f4", [300])], header_bytes=45)
    # Fortran unformatted sequential record (4-byte length markers before and after).
    from scipy.io import FortranFile
    with FortranFile(path("raw/fortran_f32le.bin"), "w") as f:
        f.write_record(values_for("<f4", 300, 0))
    add("raw/fortran_f32le.bin", "raw", [array_entry("", "<f4", [300])], header_bytes=4,
        trailer_bytes=4)
    # Data that is NaN everywhere is not malformed for the reader.
    np.full(64, np.nan, dtype="<f4").tofile(path("raw/nan_f32le.bin"))
    add("raw/nan_f32le.bin", "raw", [array_entry("", "<f4", [64], literal=[math.nan] * 64)],
        header_bytes=0)


# --------------------------------------------------------------------------- text

def make_text():
    m = v(30, 0).reshape(6, 5)

    def text_entry(shape, literal=None):
        e = array_entry("", "<f8", shape, literal=literal)
        e["byte_order"] = "none"
        return e
    np.savetxt(path("text/comma_header.csv"), m, delimiter=",", fmt="%.17g",
               header="c0,c1,c2,c3,c4", comments="")
    add("text/comma_header.csv", "text", [text_entry([6, 5])])
    np.savetxt(path("text/tab.tsv"), m, delimiter="\t", fmt="%.17g")
    add("text/tab.tsv", "text", [text_entry([6, 5])])
    np.savetxt(path("text/whitespace.txt"), m, fmt="%.18e", header="written by numpy.savetxt")
    add("text/whitespace.txt", "text", [text_entry([6, 5])])
    rows = [";".join(repr(float(x)) for x in row) for row in m]
    with open(path("text/semicolon_bom_crlf.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("a;b;c;d;e\r\n" + "\r\n".join(rows) + "\r\n").encode())
    add("text/semicolon_bom_crlf.csv", "text", [text_entry([6, 5])])
    with open(path("text/naninf.txt"), "w") as f:
        f.write("1.5 nan inf\n-inf NaN -Inf\n+2 Infinity -0\n")
    add("text/naninf.txt", "text", [text_entry([3, 3], literal=[
        1.5, math.nan, math.inf, -math.inf, math.nan, -math.inf, 2, math.inf, -0.0])])


# --------------------------------------------------------------------------- npy / npz

def make_npy():
    for kind in DTYPE_NAMES:
        orders = "|" if kind in ("i1", "u1") else "<>"
        for bo in orders:
            code = bo + kind
            rel = "npy/%s%s.npy" % (kind, {"<": "le", ">": "be", "|": ""}[bo])
            np.save(path(rel), values_for(code, 30, 0).reshape(6, 5))
            add(rel, "npy", [array_entry("", code, [6, 5])])
    a = np.asfortranarray(c_order_of(values_for("<f8", 30, 0), [6, 5]))
    assert a.flags.f_contiguous and not a.flags.c_contiguous
    np.save(path("npy/fortran_f8.npy"), a)
    add("npy/fortran_f8.npy", "npy", [array_entry("", "<f8", [6, 5], fortran=True)])
    a = np.asfortranarray(c_order_of(values_for(">c8", 24, 0), [2, 3, 4]))
    np.save(path("npy/fortran_c8be_3d.npy"), a)
    add("npy/fortran_c8be_3d.npy", "npy", [array_entry("", ">c8", [2, 3, 4], fortran=True)])
    for ver in [(2, 0), (3, 0)]:
        rel = "npy/version%d.npy" % ver[0]
        with open(path(rel), "wb") as f:
            np.lib.format.write_array(f, values_for("<f4", 24, 0).reshape(2, 3, 4), version=ver)
        add(rel, "npy", [array_entry("", "<f4", [2, 3, 4])])
    np.save(path("npy/scalar.npy"), np.float64(16000.0))
    add("npy/scalar.npy", "npy", [array_entry("", "<f8", [], literal=[16000.0])])
    np.save(path("npy/empty.npy"), np.zeros((0, 5), dtype="<f4"))
    add("npy/empty.npy", "npy", [array_entry("", "<f4", [0, 5], literal=[])])

    arrays = {"mag": values_for("<f4", 30, 0).reshape(6, 5),
              "phase": values_for("<f8", 30, 100).reshape(6, 5),
              "z": values_for("<c8", 30, 200).reshape(6, 5),
              "fs": np.int64(16000)}
    entries = [array_entry("mag", "<f4", [6, 5], start=0),
               array_entry("phase", "<f8", [6, 5], start=100),
               array_entry("z", "<c8", [6, 5], start=200),
               array_entry("fs", "<i8", [], literal=[16000])]
    np.savez(path("npz/stored.npz"), **arrays)
    add("npz/stored.npz", "npz", entries)
    np.savez_compressed(path("npz/deflated.npz"), **arrays)
    add("npz/deflated.npz", "npz", entries)
    with zipfile.ZipFile(path("npz/deflated.npz")) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())


def make_torch():
    try:
        import torch
    except ImportError:
        print("skip torch fixtures: python3-torch missing", file=sys.stderr)
        return
    t = torch.tensor(v(30, 0), dtype=torch.float32).reshape(6, 5)
    np.save(path("npy/torch_f32.npy"), t.numpy())
    add("npy/torch_f32.npy", "npy", [array_entry("", "<f4", [6, 5])])
    z = torch.complex(torch.tensor(v(30, 0)), torch.tensor(v(30, 1000))).to(torch.complex64)
    np.save(path("npy/torch_c64.npy"), z.reshape(6, 5).numpy())
    add("npy/torch_c64.npy", "npy", [array_entry("", "<c8", [6, 5])])
    t.numpy().tofile(path("raw/torch_f32le.bin"))
    add("raw/torch_f32le.bin", "raw", [array_entry("", "<f4", [30])], header_bytes=0)
    # torch.save archives are read (formats/pickle_reader.h): make_pickle_fixtures.py writes them.


# --------------------------------------------------------------------------- MATLAB / HDF5

MAT_ENTRIES = [array_entry("mag", "<f4", [6, 5], True, 0),
               array_entry("phase", "<f8", [6, 5], True, 100),
               array_entry("z", "<c16", [6, 5], True, 200),
               array_entry("fs", "<f8", [1, 1], True, literal=[16000]),
               array_entry("i16", "<i2", [6, 5], True, 300),
               array_entry("u8", "|u1", [6, 5], True, 400)]


def mat_dict():
    return {"mag": c_order_of(values_for("<f4", 30, 0), [6, 5]),
            "phase": c_order_of(values_for("<f8", 30, 100), [6, 5]),
            "z": c_order_of(values_for("<c16", 30, 200), [6, 5]),
            "fs": 16000.0,
            "i16": c_order_of(values_for("<i2", 30, 300), [6, 5]),
            "u8": c_order_of(values_for("|u1", 30, 400), [6, 5]),
            "s": "not numbers",
            "c": np.array([1.0, "two"], dtype=object),
            "st": {"a": 1.0, "b": "x"}}


def make_mat():
    for rel, comp in [("mat/scipy_v5.mat", False), ("mat/scipy_v5_compressed.mat", True)]:
        scipy.io.savemat(path(rel), mat_dict(), do_compression=comp)
        fix_mat_header(path(rel), "scipy.io.savemat")
        add(rel, "mat", MAT_ENTRIES)
    try:
        import hdf5storage
        rel = "mat/hdf5storage_v73.mat"
        d = mat_dict()
        del d["c"]
        hdf5storage.savemat(path(rel), d, format="7.3", matlab_compatible=True)
        fix_mat_header(path(rel), "hdf5storage")
        add(rel, "mat", MAT_ENTRIES)
    except ImportError:
        print("skip v7.3 fixture: python3-hdf5storage missing", file=sys.stderr)

    rel = "hdf5/h5py.h5"
    with h5py.File(path(rel), "w", track_order=True) as f:
        f["mag"] = values_for("<f4", 30, 0).reshape(6, 5)
        g = f.create_group("spec")
        g["phase"] = values_for(">f8", 30, 100).reshape(6, 5)
        g.create_group("deep")["z"] = values_for("<c8", 30, 200).reshape(6, 5)
        f.create_group("meta")["fs"] = np.int32(16000)
        f["half"] = values_for("<f2", 30, 300)
        f["i16be"] = values_for(">i2", 30, 400).reshape(6, 5)
        f.create_dataset("gz", data=values_for("<f8", 30, 500).reshape(6, 5), compression="gzip",
                         chunks=(3, 5))
        f["u8"] = values_for("|u1", 30, 600)
        f["names"] = np.array([b"mag", b"phase"])
    add(rel, "hdf5", [array_entry("/mag", "<f4", [6, 5], start=0),
                      array_entry("/spec/phase", ">f8", [6, 5], start=100),
                      array_entry("/spec/deep/z", "<c8", [6, 5], start=200),
                      array_entry("/meta/fs", "<i4", [], literal=[16000]),
                      array_entry("/half", "<f2", [30], start=300),
                      array_entry("/i16be", ">i2", [6, 5], start=400),
                      array_entry("/gz", "<f8", [6, 5], start=500),
                      array_entry("/u8", "|u1", [30], start=600)])
    # h5py's own LZF filter (compression="lzf"), which libhdf5 does not have: chunks of 4 x 5.
    rel = "hdf5/h5py_lzf.h5"
    with h5py.File(path(rel), "w", track_order=True) as f:
        f.create_dataset("mag", data=values_for("<f4", 60, 700).reshape(12, 5), compression="lzf", chunks=(4, 5))
        f.create_dataset("phase", data=values_for("<f8", 60, 800).reshape(12, 5), compression="lzf", chunks=(4, 5),
                         shuffle=True)
    add(rel, "hdf5", [array_entry("/mag", "<f4", [12, 5], start=700),
                      array_entry("/phase", "<f8", [12, 5], start=800)])


def make_octave():
    if not shutil.which("octave"):
        print("skip Octave fixtures: octave missing", file=sys.stderr)
        return
    for d in ("mat", "hdf5", "text", "raw"):
        os.makedirs(os.path.join(HERE, d), exist_ok=True)
    subprocess.run(["octave", "--no-gui", "--quiet", "--norc",
                    os.path.join(HERE, "make_fixtures.m"), HERE], check=True)
    for rel in ("mat/octave_v6.mat", "mat/octave_v7.mat"):
        fix_mat_header(path(rel), "GNU Octave")
        add(rel, "mat", MAT_ENTRIES)
    # Octave's HDF5 format: one group per variable holding "type" and "value"; the value's
    # dims are the reverse of Octave's, so the shape as stored (reversed) is MATLAB's.
    add("hdf5/octave.h5", "hdf5", [dict(e, shape=[]) if e["name"] == "fs" else e
                                   for e in MAT_ENTRIES if e["name"] != "u8"])
    p = path("text/octave_text.txt")
    lines = open(p).read().split("\n")
    lines[0] = "# Created by Octave"
    open(p, "w").write("\n".join(lines))
    text = lambda e: dict(e, byte_order="none")
    add("text/octave_text.txt", "text", [
        text(array_entry("mag", "<f8", [6, 5], False, 0)),
        text(array_entry("z", "<c16", [6, 5], False, 200)),
        text(array_entry("fs", "<f8", [], literal=[16000])),
        text(array_entry("i16", "<i2", [6, 5], True, 300))])
    add("text/octave_dlmwrite.csv", "text", [text(array_entry("", "<f8", [6, 5]))])
    add("raw/octave_fwrite_f32le.bin", "raw", [array_entry("", "<f4", [300])], header_bytes=0)
    add("raw/octave_fwrite_f64be.bin", "raw", [array_entry("", ">f8", [300])], header_bytes=0)


# --------------------------------------------------------------------------- malformed

def bad(rel, data, phrase):
    with open(path("malformed/" + rel), "wb") as f:
        f.write(data)
    MANIFEST["malformed"].append({"file": "malformed/" + rel, "phrase": phrase})


def read(rel):
    return open(path(rel), "rb").read()


def patch_zip_sizes(data, member, new_size):
    """Declare `new_size` as the uncompressed size of `member` in both zip headers."""
    out = bytearray(data)
    name = member.encode()
    i = out.find(b"PK\x03\x04" + b"")
    while i >= 0:
        n = struct.unpack_from("<H", out, i + 26)[0]
        if out[i + 30:i + 30 + n] == name:
            struct.pack_into("<I", out, i + 22, new_size)
        i = out.find(b"PK\x03\x04", i + 4)
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", out, i + 28)[0]
        if out[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", out, i + 24, new_size)
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


def make_malformed():
    bad("empty.npy", b"", "empty")
    npy = read("npy/f8le.npy")
    bad("truncated_data.npy", npy[:-17], "truncated")
    bad("truncated_header.npy", npy[:40], "header")
    hdr = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    hdr = hdr.ljust(118) + b"\n"
    bad("huge_shape.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr + npy[128:],
        "declares 1000000000000 elements")
    hdr = b"{'descr': '<f8', 'fortran_order': False, }".ljust(118) + b"\n"
    bad("no_shape.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr + npy[128:],
        "'shape'")
    with open(path("malformed/object.npy"), "wb") as f:
        np.save(f, np.array([1, "a"], dtype=object), allow_pickle=True)
    MANIFEST["malformed"].append({"file": "malformed/object.npy", "phrase": "Python objects"})

    npz = read("npz/stored.npz")
    bad("truncated.npz", npz[:len(npz) // 2], "zip")
    # Flip one data byte of the stored member mag.npy: its CRC-32 no longer matches.
    i = npz.index(b"mag.npy") + len(b"mag.npy") + 200
    bad("bad_crc.npz", npz[:i] + bytes([npz[i] ^ 0xFF]) + npz[i + 1:], "CRC")
    dz = read("npz/deflated.npz")
    i = dz.index(b"phase.npy") + len(b"phase.npy") + 20
    bad("bad_deflate.npz", dz[:i] + b"\xff" * 24 + dz[i + 24:], "phase.npy")
    bad("zip_bomb.npz", patch_zip_sizes(dz, "mag.npy", 0xF0000000), "expands")

    mat = read("mat/scipy_v5.mat")
    bad("truncated.mat", mat[:len(mat) * 2 // 3], "truncated")
    m7 = read("mat/octave_v7.mat")
    # The first variable's zlib stream starts 8 bytes after the 128-byte header.
    bad("bad_zlib.mat", m7[:128 + 8 + 10] + b"\x00" * 20 + m7[128 + 8 + 30:], "zlib")
    # scipy writes the dims of "mag" as int32 6, 5 right after its array-flags element.
    i = mat.index(struct.pack("<iiii", 5, 8, 6, 5))
    bad("huge_dims.mat", mat[:i + 8] + struct.pack("<ii", 100000, 100000) + mat[i + 16:],
        "declares 10000000000 elements")

    h5 = read("hdf5/h5py.h5")
    bad("truncated.h5", h5[:len(h5) // 2], "truncated")
    bad("bad_superblock.h5", h5[:8] + b"\xff" * 40 + h5[48:], "HDF5")

    bad("ragged.csv", b"1,2,3\n4,5,6\n7,8\n9,10,11\n", "line 3 has 2 fields, line 1 has 3")
    bad("bad_number.csv", b"1;2;3\n4;5;6\n7;abc;9\n", "line 3, column 2: 'abc' is not a number")
    bad("header_only.csv", b"time,freq,mag\n", "no numbers")

# --------------------------------------------------------------------------- verification

def expected(e):
    """The values an array entry of the manifest describes, in file order (complex if so)."""
    n = int(np.prod(e["shape"])) if e["shape"] else 1
    if e["kind"] == "literal":
        return np.array([float(x) for x in e["values"]], dtype=np.float64)
    code = "<" + {v_: k for k, v_ in DTYPE_NAMES.items()}[e["dtype"]]
    return values_for(code, n, e["start"]).astype(np.complex128 if e["kind"] == "complex"
                                                    else np.float64)


def file_order(a, fortran):
    return np.asarray(a).ravel(order="F" if fortran else "C")


def verify():
    """Re-read every valid fixture with numpy / scipy / h5py and compare with the manifest."""
    def same(got, e, what):
        want = expected(e)
        got = np.asarray(got).astype(want.dtype)
        if got.shape != want.shape or not np.array_equal(got, want, equal_nan=True):
            raise SystemExit("verify: %s does not hold what manifest.json says" % what)
    for f in MANIFEST["files"]:
        p, fmt = path(f["file"]), f["format"]
        for e in f["arrays"]:
            what = f["file"] + ":" + e["name"]
            code = {"little": "<", "big": ">", "none": "|"}[e["byte_order"]] + \
                {v_: k for k, v_ in DTYPE_NAMES.items()}[e["dtype"]]
            if fmt == "raw":
                n = e["shape"][0]
                same(np.fromfile(p, dtype=code, count=n, offset=f["header_bytes"]), e, what)
            elif fmt == "npy":
                a = np.load(p)
                assert a.dtype == np.dtype(code) and list(a.shape) == e["shape"], what
                same(file_order(a, e["fortran_order"]), e, what)
            elif fmt == "npz":
                a = np.load(p)[e["name"]]
                assert a.dtype == np.dtype(code) and list(a.shape) == e["shape"], what
                same(a.ravel(), e, what)
            elif fmt == "text" and f["file"].endswith("octave_text.txt"):
                pass  # numpy cannot read Octave's text format; checked by the C++ test only
            elif fmt == "text":
                delim = {"csv": None, "tsv": "\t", "txt": None}[p.rsplit(".", 1)[1]]
                raw = open(p, encoding="utf-8-sig").read().replace(";", ",")
                rows = [r for r in raw.splitlines() if r and not r.startswith("#")
                        and not r[0].isalpha()]
                sep = "," if "," in rows[0] else delim
                same([float(x) for r in rows for x in r.split(sep)], e, what)
            elif fmt == "mat" and not f["file"].endswith("v73.mat"):
                a = scipy.io.loadmat(p)[e["name"]]
                assert list(a.shape) == e["shape"], what
                same(file_order(a, True), e, what)
            else:  # HDF5: plain h5py datasets, MATLAB 7.3 or Octave's groups
                with h5py.File(p, "r") as h:
                    name = e["name"]
                    obj = h[name]
                    if isinstance(obj, h5py.Group):
                        obj = obj["value"]
                    a = obj[()]
                    if a.dtype.names:
                        a = a[a.dtype.names[0]] + 1j * a[a.dtype.names[1]]
                    stored = list(np.shape(a))
                    assert stored == (e["shape"] if not e["fortran_order"]
                                      else list(reversed(e["shape"]))), what
                    same(np.ravel(a), e, what)


def main():
    for d in ("raw", "text", "npy", "npz", "mat", "hdf5", "malformed"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    make_raw()
    make_text()
    make_npy()
    make_torch()
    make_mat()
    make_octave()
    make_malformed()
    verify()
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, allow_nan=False)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(HERE) for n in ns)
    print("fixtures: %d files, %d malformed, %d bytes in the folder" %
          (len(MANIFEST["files"]), len(MANIFEST["malformed"]), total))


if __name__ == "__main__":
    main()
