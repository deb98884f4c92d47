#!/usr/bin/python3
"""A magnitude-only dump at a quarter-window hop whose family a longer retrieval tells, for
tests/magnitude_only_test.cpp.

    /usr/bin/python3 tests/data/longer_retrieval/make.py      (from the repository root)

Writes scipy_german8k_hamming128_hop32/magnitude.npy: numpy.save of |scipy.signal.stft| (Hamming
128 at hop 32, scipy's defaults otherwise) of a German espeak-ng sentence resampled by sox to
8 kHz (the held set's german8k of bench/magnitude_only_matrix.py), float32, 65 x frames; and
truth.json. Its peaks do not show the family (bins of 62.5 Hz), the short retrieval of the family
table preferred Hamming by only 1.24 dB, and the dump was read as Hann; 100 iterations on the 128
loudest frames prefer Hamming by 3.6 dB. Needs python3-numpy, python3-scipy, espeak-ng and sox.
"""
import json
import os
import subprocess

import numpy as np
import scipy.io.wavfile
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = "Im Sommer fahren wir oft an die See und baden jeden Tag."


def main():
    g1, g8 = os.path.join(HERE, "g.wav"), os.path.join(HERE, "german8k.wav")
    subprocess.run(["espeak-ng", "-v", "de", "-s", "170", "-w", g1, TEXT], check=True)
    subprocess.run(["sox", "-R", "-D", g1, "-r", "8000", "-b", "16", g8], check=True)
    fs, x = scipy.io.wavfile.read(g8)
    os.remove(g1)
    os.remove(g8)
    m = np.abs(scipy.signal.stft(x.astype(np.float64) / 32768.0, fs, window="hamming", nperseg=128, noverlap=96)[2])
    m = m.astype(np.float32)
    folder = os.path.join(HERE, "scipy_german8k_hamming128_hop32")
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "magnitude.npy"), m)
    truth = {"n_fft": 128, "hop": 32, "win_length": 128, "window": {"family": "hamming"}, "sample_rate": int(fs),
             "bins": int(m.shape[0]), "frames": int(m.shape[1]),
             "made_by": f"espeak-ng -v de -s 170 -w g.wav '{TEXT}'; sox -R -D g.wav -r 8000 -b 16 german8k.wav; "
                        "abs(scipy.signal.stft(x, 8000, window='hamming', nperseg=128, noverlap=96)[2]), numpy.save"}
    with open(os.path.join(folder, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
