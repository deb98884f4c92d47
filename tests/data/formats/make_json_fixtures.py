#!/usr/bin/python3
"""Write the JSON fixtures that tests/formats_text_test.cpp reads, with Python's json module.

    /usr/bin/python3 tests/data/formats/make_json_fixtures.py

Values follow make_fixtures.py's formula, v(i) = sin(0.37*i)*100 + i*0.001 (float64; JSON keeps
the shortest repr, which reads back exactly). json_manifest.json lists each file's arrays in
make_fixtures.py's schema (every JSON number reads as float64, byte order none, C order), in the
order the file holds them; the malformed files give the phrase each error must contain.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = {"formula": "v(i) = sin(0.37*i)*100 + i*0.001", "files": [], "malformed": []}


def v(n, start=0):
    return [math.sin(0.37 * i) * 100 + i * 0.001 for i in range(start, start + n)]


def nested(shape, start):
    flat = v(math.prod(shape), start)
    def build(dims, off):
        if len(dims) == 1:
            return flat[off:off + dims[0]]
        step = math.prod(dims[1:])
        return [build(dims[1:], off + k * step) for k in range(dims[0])]
    return build(list(shape), 0)


def entry(name, shape, start=None, literal=None):
    e = {"name": name, "dtype": "float64", "byte_order": "none", "shape": list(shape), "fortran_order": False}
    e.update({"kind": "literal", "values": literal} if literal is not None else {"kind": "float", "start": start})
    return e


def write(name, obj, arrays, **kw):
    with open(os.path.join(HERE, "json", name), "w") as f:
        json.dump(obj, f, **kw)
    MANIFEST["files"].append({"file": "json/" + name, "format": "json", "arrays": arrays})


def main():
    # json.dump(S.tolist()): one nested list.
    write("list.json", nested((4, 5), 0), [entry("", (4, 5), 0)])
    # A dict of named arrays beside a sample rate and a string, indented.
    write("dict.json", {"magnitude": nested((3, 4), 100), "phase": nested((3, 4), 200), "sr": 16000, "window": "hann"},
          [entry("magnitude", (3, 4), 100), entry("phase", (3, 4), 200), entry("sr", (), literal=[16000])], indent=2)
    # Python's NaN and -Infinity tokens (a dB spectrogram of silence), null, a nested dict, a
    # list of arrays, a 3-D list and a ragged list (left out).
    db = nested((2, 3), 300)
    db[0][1], db[1][2] = float("-inf"), float("nan")
    db_values = [x if math.isfinite(x) else ("-inf" if x < 0 else "nan") for row in db for x in row]
    write("tokens.json", {"out": {"db": db, "hop": 128}, "frames": [nested((2, 2), 400), nested((3,), 500)],
                          "cube": nested((2, 2, 3), 600), "ragged": [[1, 2], [3]], "holes": [1.5, None]},
          [entry("out.db", (2, 3), literal=db_values), entry("out.hop", (), literal=[128]), entry("frames.0", (2, 2), 400),
           entry("frames.1", (3,), 500), entry("cube", (2, 2, 3), 600), entry("holes", (2,), literal=[1.5, "nan"])])
    # Malformed: cut short, and no numbers at all.
    text = json.dumps({"magnitude": nested((3, 4), 100)})
    with open(os.path.join(HERE, "json", "malformed", "cut.json"), "w") as f:
        f.write(text[: len(text) // 2])
    MANIFEST["malformed"].append({"file": "json/malformed/cut.json", "phrase": "not valid JSON"})
    with open(os.path.join(HERE, "json", "malformed", "no_numbers.json"), "w") as f:
        json.dump({"name": "spectrogram", "frames": [[1, 2], [3]]}, f)
    MANIFEST["malformed"].append({"file": "json/malformed/no_numbers.json", "phrase": "holds no rectangular list of numbers"})
    with open(os.path.join(HERE, "json_manifest.json"), "w") as out:
        json.dump(MANIFEST, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
