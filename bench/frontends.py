#!/usr/bin/python3
"""Magnitude-only dumps as speech and TTS front ends compute their STFT before the mel filters,
over the fourteen recordings of magnitude_only_matrix's sets "tuned", "fresh", "held" and "music",
each resampled (scipy.signal.resample_poly) to the rate the front end is run at:

  whisper       16 kHz: |torch.stft(x, 400, 160, hann_window(400), center=True, reflect)|^2 with the
                last frame dropped (openai-whisper's log_mel_spectrogram, before its mel filters;
                whisper is not a Debian package, the arithmetic is this)
  speechbrain   16 kHz: the same at 400/160 with hamming_window(400) (speechbrain's STFT and
                spectral_magnitude(power=1) defaults, 25 ms / 10 ms)
  nemo          16 kHz: n_fft 512, win_length 320, hop 160, Hann, power, centred with zeros (NeMo's
                AudioToMelSpectrogramPreprocessor: 20 ms / 10 ms, n_fft the next power of two)
  kaldi512      16 kHz: n_fft 512, win_length 400, hop 160, Hann, power, reflect-centred (25 ms /
                10 ms in a 512-point FFT, as torchaudio's MelSpectrogram is often configured)
  hifigan       22050 Hz: sqrt(|torch.stft(x', 1024, 256, hann_window(1024), center=False)|^2 +
                1e-9), x' reflect-padded by (1024 - 256) / 2 at each end (HiFi-GAN's mel_spectrogram
                before the mel filters; Tacotron 2's STFT is the same 1024/256/1024)
  tacotron1     22050 Hz: n_fft 2048, win_length 1100, hop 275 (50 ms / 12.5 ms), Hann, |X|,
                reflect-centred

`specrecon infer DUMP --json --sample-rate FS` must give n_fft, hop, win_length and family exactly.
Hops of 2/5 of the window (160 of 400) and windows longer than half of n_fft but shorter than it
(320 or 400 of 512, 1100 of 2048) are what these front ends add to the matrix benches. Prints one
line per dump, then the count per front end and in all.

    bench/frontends.py SPECRECON WORKDIR

Needs what magnitude_only_matrix.py needs.
"""
import math

import numpy as np
import scipy.signal as sg
import torch

import magnitude_only_matrix as matrix


def stft(x, n, hop, win, window, center=True, pad_mode="reflect"):
    return torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, win_length=win, window=window(win),
                      center=center, pad_mode=pad_mode, return_complex=True)


def hifigan(x):
    pad = (1024 - 256) // 2
    x = np.pad(x, (pad, pad), mode="reflect")
    z = stft(x, 1024, 256, 1024, torch.hann_window, center=False)
    return torch.sqrt(z.abs() ** 2 + 1e-9).numpy()


CASES = {
    # name: (rate, make(x), (n_fft, hop, win_length, family))
    "whisper": (16000, lambda x: (stft(x, 400, 160, 400, torch.hann_window)[..., :-1].abs() ** 2).numpy(), (400, 160, 400, "hann")),
    "speechbrain": (16000, lambda x: (stft(x, 400, 160, 400, torch.hamming_window).abs() ** 2).numpy(), (400, 160, 400, "hamming")),
    "nemo": (16000, lambda x: (stft(x, 512, 160, 320, torch.hann_window, pad_mode="constant").abs() ** 2).numpy(),
             (512, 160, 320, "hann")),
    "kaldi512": (16000, lambda x: (stft(x, 512, 160, 400, torch.hann_window).abs() ** 2).numpy(), (512, 160, 400, "hann")),
    "hifigan": (22050, hifigan, (1024, 256, 1024, "hann")),
    "tacotron1": (22050, lambda x: stft(x, 2048, 275, 1100, torch.hann_window).abs().numpy(), (2048, 275, 1100, "hann")),
}


def resample(x, fs, rate):
    if fs == rate:
        return x
    g = math.gcd(fs, rate)
    return sg.resample_poly(x, rate // g, fs // g)


def main():
    exe, work, srcs = matrix.fourteen_recordings_setup(__doc__)

    def dumps():
        for name in sorted(srcs):
            fs, x = srcs[name]
            for case, (rate, make, truth) in CASES.items():
                yield name, case, make(resample(x, fs, rate)), rate, truth

    matrix.count_exact(exe, work, dumps(), CASES)


if __name__ == "__main__":
    main()
