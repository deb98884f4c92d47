"""Writes samples/matrix/README.md from the truth.json files on disk (so the table always
describes what is committed), in the order of matrix_cases.CASES."""
import json
import os

import numpy as np
import scipy

import matrix_lib as ml

HEAD = """# Sample matrix: STFT dumps from real tools, one convention per case

Test inputs for the parameter inference: every folder `<case>/` holds a dump written by a
real producer (scipy, torch, matplotlib, Octave, numpy by hand) from a ~0.5 s excerpt, the
excerpt itself as `source.wav`, and `truth.json` saying exactly how the dump was made.
The code under test gets only the dump files; it must recover the parameters in
`truth.json` and a signal close to `source.wav`.

Regenerate (from the repository root; deterministic, two runs give identical bytes):

    /usr/bin/python3 samples/matrix/make_matrix.py            # all cases + this README
    /usr/bin/python3 samples/matrix/make_matrix.py CASE ...   # only these (README redone)

Needs Debian's python3-numpy, python3-scipy, python3-torch, python3-matplotlib, octave
and octave-signal; a case whose tool is missing is skipped and its folder left as it is.
Made with: {versions}.

## Files

| file | what |
|---|---|
| `make_matrix.py` | runs each case: producer, writes files, verifies, writes truth.json |
| `matrix_cases.py` | the case list (which producer, parameters, encoding) |
| `matrix_producers.py` | one builder per producer: call string, truth fields, oracle inverse |
| `matrix_encodings.py` | magnitude scales, phase units, quantisation, element types (exact expressions) |
| `matrix_lib.py` | excerpts, decoding a dump from truth.json alone, generic STFT, plain overlap-add |
| `matrix_readme.py` | writes this README from the truth.json files |
| `octave_specgram_matrix.m` | the Octave producer (`specgram`, `fwrite` of `abs(S)` and `arg(S)`) |
| `<case>/source.wav` | the excerpt, 16-bit PCM, the same int16 samples the producer got (as int16/32768) |
| `<case>/truth.json` | how the dump was made (below) |

## truth.json

The keys of `samples/*/truth.json` (see `samples/README.md`) plus:

- `source` (path from the case folder), `source_start`, `signal_length`: the excerpt is
  `source[source_start : source_start + signal_length]`; `excerpt` names `source.wav`.
- `call`: the exact string evaluated (numpy cases: the statements run, leaving `Zf`);
  `mode`: what the call returned (`complex`, `magnitude+angle` for two calls, `psd`, ...);
  `written`: the exact numpy expressions whose values went into each file (`.T` =
  `frames_x_bins`), cast with `.astype(dtype).tofile` (Octave: its `fwrite` statement).
- `pad`: samples prepended (and appended) when `center` is true (scipy `nperseg//2`,
  torch `n_fft//2`); `pad_mode` constant (zeros) / reflect / none. Frame t covers padded
  samples `[t*hop, t*hop + n_fft)`, the window sits at `window.offset` inside it.
- `detrended`: each frame's mean was removed before windowing (scipy.signal.spectrogram's
  default `detrend='constant'`). `fftshift`: rows are `np.fft.fftshift`ed (DC in the middle).
- `phase_reference`: `frame_start` (usual), `absolute_time` (spectrum of frame m times
  `exp(-2j*pi*k*m*hop/n_fft)`, LTFAT 'timeinv'), `frame_center` (`rfft(ifftshift(frame))`,
  i.e. times `exp(+2j*pi*k*(n_fft//2)/n_fft)`).
- `dtype` (magnitude file or complex file), `phase_dtype` (null when there is no phase file).
- `magnitude_scale`: linear |Z|, power |Z|^2, db20 20·log10, db10 10·log10(|Z|), ln,
  log10, log1p, complex (interleaved re/im). `magnitude_eps`: added to |Z| inside the log;
  `magnitude_ref`: the |Z| that maps to 0 dB (`magnitude_ref_rule` "max" = the maximum of
  this dump); `magnitude_floor_db`: values were clipped at this dB (relative to ref).
- `psd_doubled`: one-sided PSD, the power of every bin except DC (and Nyquist for even
  n_fft) was doubled. `gain`: amplitude factor on the plain FFT of the windowed frame
  (for PSDs the power is gain² |FFT|², times 2 where doubled).
- `phase_units`: radians [-pi, pi], radians_0_2pi, degrees, cycles (phase / 2pi),
  unwrapped_time (np.unwrap along frames), unwrapped_freq (along bins), none.
- `quantized`: null or `{{dtype, lo, hi, code_lo, code_hi, file}}`: value
  `= lo + (hi - lo) * (code - code_lo) / (code_hi - code_lo)`, for the file role named.
- `files`: `magnitude`, `phase`, `complex` (null when absent).
- `oracle_inverse`, `oracle_snr_db`, `oracle_compared_samples`: the dump decoded from
  truth.json alone and inverted with the true parameters by the producer's own inverse or a
  plain weighted overlap-add (sum w·ifft / sum w²); SNR against `source.wav` over the
  samples whose summed w² is at least 1e-3 of its maximum (the count is given).
  `oracle_snr_true_phase_db` (magnitude-only cases): the same with the true phase put back.
  `oracle_note` says why a lossy dump's figure is low. `check`: largest difference between
  the decoded dump and a generic numpy STFT built from truth.json alone (magnitude relative
  to the peak; phase in radians where |Z| > 1e-3 of the peak).

## Cases

| case | producer call | what it tests | files | bins x frames | bytes | oracle SNR dB |
|---|---|---|---|---|---|---|
"""

TAIL = """
SNR notes: a value marked `*` is from a dump that loses information (see its
`oracle_note`); magnitude-only cases show `zero-phase (true phase)`.
"""

NOTES = """
## Producer conventions found while making these (checked by the re-derivation)

- **scipy.signal.spectrogram** (scipy 1.10): defaults are window `('tukey', 0.25)`
  (periodic), `nperseg=256`, `noverlap = nperseg // 8 = 32`, so the hop is 224 (not 32),
  `detrend='constant'` (each frame's mean is removed *before* windowing), `scaling='density'`.
  No boundary or end padding: frames = 1 + (L - 256) // 224, frame t starts at t*224.
  `mode='complex'` and `'magnitude'` use amplitude gain `sqrt(1 / (fs * sum(w**2)))`;
  `'angle'` is `np.angle` (radians); `'phase'` is `np.unwrap` of it along the *frequency*
  axis; `'psd'` (the default mode) is gain² |FFT|² with every bin except DC and Nyquist
  doubled. Because of the detrend, a plain inverse of its default output reaches only
  about 23 to 26 dB here.
- **matplotlib.mlab.specgram** (3.6.3): the default window is `window_hanning` =
  `np.hanning(NFFT)`, i.e. symmetric hann *with* zero end points; `noverlap` defaults to
  128 in `specgram` (0 in `_spectral_helper`); no detrend by default (`detrend_none`, and
  a given detrend is applied in every mode despite the docstring); no centre padding,
  frames = 1 + (L - NFFT) // hop. `mode='magnitude'` is |FFT| / sum(w); `'angle'` is
  `np.angle`; `'phase'` is `np.unwrap` along frequency (axis 0); `'psd'` is
  |FFT|² / (Fs * sum(w**2)) with interior bins doubled (which bins is decided by NFFT's
  parity, not pad_to's). `pad_to > NFFT` zero-pads after the window (n_fft = pad_to).
  `mode='complex'` is accepted by `specgram` in 3.6.3 (FFT / sum(w)).
- **torch.stft normalized=True** (1.13) multiplies by `1 / sqrt(n_fft)`: n_fft, not
  win_length and not the window's norm (measured ratio 22.627 = sqrt(512) for both
  win_length 512 and 320). torch's windows are periodic; a short window is centred in the
  n_fft frame at offset (n_fft - win_length) // 2.
- **Octave specgram** (signal 1.4.3): keeps n/2 rows for even n (the Nyquist row is
  dropped: 128 for n = 256, 256 for n = 512) but (n+1)/2 for odd n (all bins: 128 for
  n = 255). A window shorter than n is zero-padded after it. Frame starts are
  `1:step:length(x)-win_size` (one frame short when that difference is a multiple of the
  step). Octave's `hanning(N)` and `hamming(N)` are symmetric, and `hanning` has zero end
  points (unlike MATLAB's); checked on every run. The missing Nyquist row costs a lot with
  a hamming window: 82 dB instead of 147 dB with the true row.
- **scipy.signal.stft** with `padded=False`: `scipy.signal.istft` gives back only
  (frames - 1) * hop samples (12928 of 13000 here), so that case's oracle is the plain
  overlap-add. With hop = nperseg (no overlap) the periodic hann is 0 at each frame start:
  istft warns "NOLA condition failed" and those samples are lost.
- Unwrapped phases stored as float32 lose precision as they grow: phase unwrapped along
  time gives 134 dB where the wrapped phase of the same STFT gives 152 dB.
- `log1p` of scipy's magnitudes (gain 1/sum(w), peak 0.12 here) is almost linear;
  `torch_log1p512` has the unscaled STFT, where log1p compresses.
"""


def _files_cell(t):
    f = t["files"]
    lay = "F×B" if t["layout"] == "frames_x_bins" else "B×F"
    if f["complex"]:
        return f"`{f['complex']}` {t['dtype']} {lay}"
    cell = f"`{f['magnitude']}` {t['dtype']} {t['magnitude_scale']}"
    if f["phase"]:
        cell += f"; `{f['phase']}` {t['phase_dtype']} {t['phase_units']}"
    if t["byte_order"] == "big":
        cell += " big-endian"
    return cell + f" {lay}"


def _snr_cell(t):
    lossy = (t["detrended"] or t["nyquist_dropped"] or t["quantized"] or
             t["dtype"] == "float16" or t["magnitude_floor_db"] is not None)
    if "oracle_snr_true_phase_db" in t:
        s = f"{t['oracle_snr_db']} ({t['oracle_snr_true_phase_db']})"
    else:
        s = f"{t['oracle_snr_db']}"
    return s + ("*" if lossy else "")


def write(cases):
    import matplotlib
    import torch
    versions = (f"numpy {np.__version__}, scipy {scipy.__version__}, torch {torch.__version__}, "
                f"matplotlib {matplotlib.__version__}, Octave 7.3.0 with signal 1.4.3")
    rows = []
    for c in cases:
        d = os.path.join(ml.HERE, c["name"])
        p = os.path.join(d, "truth.json")
        if not os.path.exists(p):
            continue
        with open(p) as fh:
            t = json.load(fh)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        call = t["call"].replace("\n", "; ").replace("|", "\\|")
        what = c["what"].replace("|", "\\|")
        rows.append(f"| `{c['name']}` | `{call}` | {what} | {_files_cell(t)} | "
                    f"{t['bins']} x {t['frames']} | {size} | {_snr_cell(t)} |")
    with open(os.path.join(ml.HERE, "README.md"), "w") as fh:
        fh.write(HEAD.format(versions=versions))
        fh.write("\n".join(rows) + "\n")
        fh.write(TAIL)
        fh.write(NOTES)
