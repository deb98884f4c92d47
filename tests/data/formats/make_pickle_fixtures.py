#!/usr/bin/python3
"""Write the torch.save and pickle fixtures that tests/formats_pickle_test.cpp reads, with torch
and Python's pickle themselves.

    /usr/bin/python3 tests/data/formats/make_pickle_fixtures.py

Needs Debian's python3-torch, python3-numpy and python3-joblib. Values follow make_fixtures.py's formula, v(i) =
sin(0.37*i)*100 + i*0.001 cast to the type (integers truncated; complex: imaginary part v(i+1000));
pickle_manifest.json lists each file's arrays in make_fixtures.py's schema (name, dtype, byte order,
shape, fortran_order, kind, start or literal values), in the order the saved object holds them. One
file is derived by hand, as real tools cannot write it on this machine: torch/big.pt is little.pt
with its storage byte-swapped and its byteorder member saying "big" (what torch.save writes on a
big-endian host). The malformed files (torch/malformed/, pickle/malformed/) are derived from valid
ones or written by pickle; the manifest gives the phrase each error must contain. Zip entries get a
fixed date, so two runs give the same bytes.
"""
import json
import math
import os
import pickle
import zipfile

import joblib
import numpy as np
import torch

FORMATS = os.path.dirname(os.path.abspath(__file__))
HERE = os.path.join(FORMATS, "torch")
PICKLES = os.path.join(FORMATS, "pickle")
MANIFEST = {"formula": "v(i) = sin(0.37*i)*100 + i*0.001", "files": [], "malformed": []}
NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int16": np.int16, "complex64": np.complex64,
      "complex128": np.complex128, "uint8": np.uint8}


def v(n, start=0):
    return np.array([math.sin(0.37 * i) * 100 + i * 0.001 for i in range(start, start + n)], dtype=np.float64)


def array(dtype, shape, start):
    n = int(np.prod(shape))
    if dtype.startswith("complex"):
        a = (v(n, start) + 1j * v(n, start + 1000)).astype(NP[dtype])
    elif dtype.startswith("int"):
        a = np.trunc(v(n, start)).astype(NP[dtype])
    elif dtype.startswith("uint"):
        a = (np.trunc(v(n, start)) + 128).astype(NP[dtype])
    else:
        a = v(n, start).astype(NP[dtype])
    return a.reshape(shape)


def tensor(dtype, shape, start):
    return torch.from_numpy(array(dtype, shape, start))


def entry(name, t, start=None, fortran=False, literal=None, kind=None, byte_order="little"):
    arr = isinstance(t, (torch.Tensor, np.ndarray))
    dtype = str(t.dtype).replace("torch.", "") if arr else t
    e = {"name": name, "dtype": dtype, "byte_order": "none" if not arr or dtype in ("int8", "uint8", "bool") else byte_order,
         "shape": list(t.shape) if arr else [], "fortran_order": fortran}
    if literal is not None:
        e.update(kind="literal", values=literal)
    else:
        e.update(kind=kind or ("complex" if dtype.startswith("complex") else "int" if "int" in dtype else "float"),
                 start=start)
    return e


def fixed_dates(path):
    """Rewrite the archive with a fixed date on every entry (torch.save writes none, but to be sure)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for i, data in items:
            zi = zipfile.ZipInfo(i.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = i.compress_type
            z.writestr(zi, data)


def save(name, obj, arrays):
    path = os.path.join(HERE, name)
    torch.save(obj, path)
    fixed_dates(path)
    MANIFEST["files"].append({"file": "torch/" + name, "format": "torch", "arrays": arrays})


def dump(name, obj, protocol, arrays):
    with open(os.path.join(PICKLES, name), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    MANIFEST["files"].append({"file": "pickle/" + name, "format": "pickle", "arrays": arrays})


def jdump(name, obj, compress, arrays):
    joblib.dump(obj, os.path.join(PICKLES, name), compress=compress)
    MANIFEST["files"].append({"file": "pickle/" + name, "format": "pickle", "arrays": arrays})


def rewrite(src, dst, change, extra=None):
    """dst: src's archive with change(name, bytes) -> bytes applied to each member, and the
    members of extra {name under the archive's folder: bytes} added."""
    with zipfile.ZipFile(os.path.join(HERE, src)) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(os.path.join(HERE, dst), "w") as z:
        for i, data in items:
            zi = zipfile.ZipInfo(i.filename.replace(src[:-3] + "/", dst.split("/")[-1][:-3] + "/"), date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(zi, change(i.filename, data))
        for name, data in (extra or {}).items():
            z.writestr(zipfile.ZipInfo(dst.split("/")[-1][:-3] + "/" + name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def main():
    os.makedirs(os.path.join(HERE, "malformed"), exist_ok=True)
    os.makedirs(os.path.join(PICKLES, "malformed"), exist_ok=True)
    # A plain C-contiguous tensor.
    save("little.pt", tensor("float32", (5, 7), 0), [entry("", tensor("float32", (5, 7), 0), 0)])
    # torch.stft's own strides: its output is column-major in memory (a transposed tensor).
    col = tensor("float32", (7, 5), 10).T
    assert col.stride() == (1, 5)
    save("column_major.pt", col, [entry("", col, 10, fortran=True)])
    # A dict as scripts save a dump: magnitude, phase, a sample rate and a string.
    mag, ph = tensor("float64", (4, 6), 100), tensor("float32", (4, 6), 200)
    save("dict.pt", {"mag": mag, "phase": ph, "sr": 16000, "note": "hann 512"},
         [entry("mag", mag, 100), entry("phase", ph, 200), entry("sr", "int64", literal=[16000])])
    # Complex, as torch.stft(..., return_complex=True) returns it (its strides too).
    z = tensor("complex64", (6, 3), 300).T
    save("complex.pt", z, [entry("", z, 300, fortran=True)])
    # A list: half precision, int16 and an nn.Parameter (pickled through _rebuild_parameter).
    h, i16, p = tensor("float16", (8,), 400), tensor("int16", (3, 3), 500), torch.nn.Parameter(tensor("float32", (2, 2), 600))
    save("list.pt", [h, i16, p], [entry("0", h, 400), entry("1", i16, 500), entry("2", p.detach(), 600)])
    # Views: every other column of a 4 x 6 tensor (gathered in C order), and a slice with an offset.
    base = tensor("float32", (4, 6), 700)
    every_other = base[:, ::2]
    flat = tensor("float32", (10,), 800)
    save("views.pt", {"cols": every_other, "tail": flat[3:]},
         [entry("cols", every_other, literal=[float(x) for x in every_other.flatten().tolist()]), entry("tail", flat[3:], 803)])
    # Nested dicts name their tensors by path.
    inner = tensor("float32", (2, 3), 900)
    save("nested.pt", {"out": {"spec": inner}}, [entry("out.spec", inner, 900)])
    # An STFT saved as scripts save one (not in the manifest: formats_pickle_test reconstructs it):
    # torch.stft's column-major strides survive abs() but not angle(), so the two arrays are
    # stored in different orders. A 0.2 s chirp at 8 kHz, Hann 64 at hop 16, centred (reflect).
    t = np.arange(1600) / 8000.0
    x = torch.from_numpy(np.sin(2 * np.pi * (300 * t + 4000 * t * t)))
    zz = torch.stft(x, 64, 16, window=torch.hann_window(64, dtype=torch.float64), return_complex=True)
    assert zz.abs().stride() != zz.angle().stride()
    torch.save({"magnitude": zz.abs().float(), "phase": zz.angle().float(), "sr": 8000}, os.path.join(HERE, "stft_dict.pt"))
    fixed_dates(os.path.join(HERE, "stft_dict.pt"))
    # big.pt: little.pt as a big-endian host writes it (PyTorch 1.10 and later add a byteorder
    # member; this machine's 1.13 leaves it out, so little.pt tests the default).
    def to_big(name, data):
        if "/data/" in name:
            return np.frombuffer(data, dtype="<f4").astype(">f4").tobytes()
        return data
    rewrite("little.pt", "big.pt", to_big, {"byteorder": b"big"})
    e = entry("", tensor("float32", (5, 7), 0), 0)
    e["byte_order"] = "big"
    MANIFEST["files"].append({"file": "torch/big.pt", "format": "torch", "arrays": [e]})
    # Malformed: a storage member cut short, a pickle cut short, a call that is not a tensor's.
    rewrite("little.pt", "malformed/short_storage.pt", lambda n, d: d[:-4] if "/data/" in n else d)
    MANIFEST["malformed"].append({"file": "torch/malformed/short_storage.pt", "phrase": "where its storage needs 140"})
    rewrite("little.pt", "malformed/cut_pickle.pt", lambda n, d: d[: len(d) // 2] if n.endswith("data.pkl") else d)
    MANIFEST["malformed"].append({"file": "torch/malformed/cut_pickle.pt", "phrase": "truncated"})
    evil = b"\x80\x02cposix\nsystem\nq\x00X\x07\x00\x00\x00echo hiq\x01\x85q\x02Rq\x03."
    rewrite("little.pt", "malformed/calls_system.pt", lambda n, d: evil if n.endswith("data.pkl") else d)
    MANIFEST["malformed"].append({"file": "torch/malformed/calls_system.pt", "phrase": "calls posix.system, which specrecon does not run"})
    # The legacy format names storages by their address: written once, kept (two runs differ).
    legacy = os.path.join(HERE, "malformed", "legacy.pt")
    if not os.path.exists(legacy):
        torch.save(torch.ones(3), legacy, _use_new_zipfile_serialization=False)
    MANIFEST["malformed"].append({"file": "torch/malformed/legacy.pt", "phrase": "legacy torch.save file"})
    # torch.save of a dict holding a numpy array (numpy's own pickling inside the archive).
    npa = array("float32", (3, 5), 1100)
    save("numpy_inside.pt", {"S": npa}, [entry("S", npa, 1100)])
    # pickle.dump of numpy arrays, as research code saves a spectrogram: protocol 2 (bytes as
    # latin1 text), 4 (pickle.dump's default), 5 (numpy's _frombuffer), column-major,
    # big-endian, complex, and a numpy number beside them.
    a2 = array("float32", (4, 6), 1200)
    dump("protocol2.pkl", a2, 2, [entry("", a2, 1200)])
    a4 = array("float64", (5, 3), 1300).T  # a transposed (column-major) view: stored as numpy keeps it
    assert a4.flags["F_CONTIGUOUS"] and not a4.flags["C_CONTIGUOUS"]
    dump("protocol4_fortran.pkl", a4, 4, [entry("", a4, 1300, fortran=True)])
    a5 = array("complex64", (3, 4), 1400)
    dump("protocol5.pkl", a5, 5, [entry("", a5, 1400)])
    big = array("float32", (2, 5), 1500).astype(">f4")
    mag, ph = array("float32", (3, 4), 1600), array("uint8", (3, 4), 1700)
    dump("dict.pkl", {"magnitude": mag, "phase": ph, "sr": np.float64(22050.0), "big": big}, 4,
         [entry("magnitude", mag, 1600), entry("phase", ph, 1700), entry("sr", "float64", literal=[22050.0]),
          entry("big", big.astype("<f4"), 1500, byte_order="big")])
    MANIFEST["files"][-1]["arrays"][2]["byte_order"] = "little"  # np.float64 keeps numpy's byte order
    # Python lists of numbers (S.tolist()), as float64: a 3 x 4 list, a tuple, and an int beside them.
    lst = array("float64", (3, 4), 1800)
    dump("lists.pkl", {"S": lst.tolist(), "pair": (1.5, 2.5), "sr": 8000}, 4,
         [entry("S", lst, 1800), entry("pair", "float64", literal=[1.5, 2.5]), entry("sr", "int64", literal=[8000])])
    MANIFEST["files"][-1]["arrays"][1]["shape"] = [2]
    for e in MANIFEST["files"][-1]["arrays"][:2]:
        e["byte_order"] = "none"  # Python numbers carry no byte order
    # joblib.dump, as scikit-learn-style pipelines save arrays: each array's bytes follow its
    # NumpyArrayWrapper in the pickle (joblib >= 1.2 pads them to 16 bytes), in the array's order;
    # and compress=3 (zlib) and ("gzip", 3), which compress the whole pickle. (gzip's header holds
    # the time: gzip.joblib changes on every run.)
    j1, j2 = array("float32", (4, 5), 1900), array("float64", (5, 3), 2000).T
    jdump("dict.joblib", {"mag": j1, "phase": j2}, 0, [entry("mag", j1, 1900), entry("phase", j2, 2000, fortran=True)])
    j3 = array("complex64", (3, 4), 2100)
    jdump("zlib.joblib", j3, 3, [entry("", j3, 2100)])
    j4 = array("float32", (6, 2), 2200)
    jdump("gzip.joblib", {"S": j4}, ("gzip", 3), [entry("S", j4, 2200)])
    with open(os.path.join(PICKLES, "dict.joblib"), "rb") as f:
        whole = f.read()
    with open(os.path.join(PICKLES, "malformed", "cut.joblib"), "wb") as f:
        f.write(whole[: len(whole) // 2] + b".")  # cut inside the first array's bytes; a STOP kept at the end
    MANIFEST["malformed"].append({"file": "pickle/malformed/cut.joblib", "phrase": "truncated"})
    with open(os.path.join(PICKLES, "zlib.joblib"), "rb") as f:
        packed = f.read()
    with open(os.path.join(PICKLES, "malformed", "cut_zlib.joblib"), "wb") as f:
        f.write(packed[: len(packed) - 20])
    MANIFEST["malformed"].append({"file": "pickle/malformed/cut_zlib.joblib", "phrase": "corrupt or truncated"})
        # Malformed: a numpy array of Python objects, and a pickle of something else.
    with open(os.path.join(PICKLES, "malformed", "objects.pkl"), "wb") as f:
        pickle.dump(np.array([1, "a"], dtype=object), f, protocol=4)
    MANIFEST["malformed"].append({"file": "pickle/malformed/objects.pkl", "phrase": "numpy dtype 'O8' is not read"})
    with open(os.path.join(PICKLES, "malformed", "set.pkl"), "wb") as f:
        pickle.dump({"spec": {1, 2}}, f, protocol=4)
    MANIFEST["malformed"].append({"file": "pickle/malformed/set.pkl", "phrase": "opcode 0x8f"})
    # Check every valid file against torch.load before writing the manifest.
    for f in MANIFEST["files"]:
        if f["file"] != "torch/big.pt":
            load = (torch.load if f["format"] == "torch" else joblib.load if f["file"].endswith(".joblib")
                    else lambda p: pickle.load(open(p, "rb")))
            load(os.path.join(FORMATS, f["file"]))
    with open(os.path.join(FORMATS, "pickle_manifest.json"), "w") as out:
        json.dump(MANIFEST, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
