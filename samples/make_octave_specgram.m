% make_octave_specgram.m -- producer for the samples/octave_specgram case.
%
% usage: octave --no-gui --quiet samples/make_octave_specgram.m IN.wav OUTDIR
%
% Reads IN.wav (16-bit), converts it to double by /32768 (same as make_samples.py),
% runs the signal package's specgram and writes abs(S) and arg(S) as little-endian
% float32 with fwrite, i.e. in Octave's natural column-major order: S is
% (N/2 bins) x (frames), so the flat stream holds each frame's bins contiguously.
% Prints one line "META rows cols fs t1 t2 octave_version signal_version hanning_err" for the caller.
% Note: specgram labels frame i with t = offset(i)/Fs where offset is 1-based, so t(1) = 1/Fs.
pkg load signal
args = argv ();
if (numel (args) != 2)
  error ("usage: octave --no-gui --quiet make_octave_specgram.m IN.wav OUTDIR");
endif
in_wav = args{1};
outdir = args{2};

[xi, fs] = audioread (in_wav, "native");
if (! strcmp (class (xi), "int16"))
  error ("expected a 16-bit WAV, got %s", class (xi));
endif
x = double (xi(:, 1)) / 32768;

[S, f, t] = specgram (x, 512, 16000, hanning (512), 384);

fid = fopen (fullfile (outdir, "spec.bin"), "w");
fwrite (fid, abs (S), "float32", 0, "ieee-le");
fclose (fid);
fid = fopen (fullfile (outdir, "phase.bin"), "w");
fwrite (fid, arg (S), "float32", 0, "ieee-le");
fclose (fid);

sigver = "unknown";
lst = pkg ("list", "signal");
if (! isempty (lst))
  sigver = lst{1}.version;
endif
% Octave's hanning(N) is symmetric WITH zero end points (unlike MATLAB's): report how far
% it is from 0.5 - 0.5*cos(2*pi*(0:N-1)'/(N-1)) so the caller can check its truth.json.
hw_err = max (abs (hanning (512) - (0.5 - 0.5 * cos (2 * pi * (0:511)' / 511))));
printf ("META %d %d %d %.17g %.17g %s %s %.3g\n", rows (S), columns (S), fs, t(1), t(2), version (), sigver, hw_err);
