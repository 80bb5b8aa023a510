"""eSpeak NG, two ways: its library through ctypes, or its command-line program.

:class:`EspeakLibrary` loads ``libespeak-ng`` and its data as the ``espeakng-loader`` wheel (a
dependency of the kiosk, so the packaged build carries them: eSpeak NG 1.52 with the Persian
and English voices), initialised once per process in synchronous mode: ``espeak_Synth`` runs in
the calling thread and hands the samples to a callback, no audio device is opened.
:class:`EspeakCommand` runs Debian's ``espeak-ng`` (``--stdout``) where the wheel is missing.
Both take the script as SSML (``<break>`` for the pauses).
"""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

from kiosk.speech.engine import Audio, EngineUnavailable, Voice
from kiosk.speech.numbers import FA_NUMBER_WORDS, ordinal
from kiosk.speech.utterance import Script, join_pieces, ssml

__all__ = ["EspeakCommand", "EspeakLibrary"]

VOICES = {"fa": "fa", "en": "en"}
WORDS_PER_MINUTE = 150  # a little slower than eSpeak's 175: many listeners are elderly
DEFAULT_AMPLITUDE = 100  # eSpeak's own default (0..200)

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 0x02
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_SSML = 0x10
_POS_CHARACTER = 1
_RATE, _VOLUME = 1, 2
_EE_OK = 0

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _VoiceStruct(ctypes.Structure):
    _fields_: ClassVar = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_ZAMMA = "\u064f"


_NUMBER_WORDS = FA_NUMBER_WORDS | {ordinal(n, "fa").split()[-1] for n in range(1, 1000)}


def _is_number_word(word: str) -> bool:
    return word.rstrip("،.؟!:؛") in _NUMBER_WORDS


def for_espeak(text: str, lang: str) -> str:
    """``text`` respelled where eSpeak NG reads written Persian unlike speech: the «و» inside a
    number is said "-o", as people say it («بیست و یک» is "bist-o yek", not "bist va yek"), so
    it is written as a zamma on the word before («بیستُ یک»)."""
    if lang != "fa" or " و " not in text:
        return text
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if (
            word == "و"
            and out
            and i + 1 < len(words)
            and _is_number_word(out[-1])
            and _is_number_word(words[i + 1])
        ):
            out[-1] += _ZAMMA
        else:
            out.append(word)
        i += 1
    return " ".join(out)


def _script_for_espeak(script: Script, lang: str) -> Script:
    return tuple(for_espeak(p, lang) if isinstance(p, str) else p for p in script)


def _scale(rate: float, volume: float) -> tuple[int, int]:
    if not (0.25 <= rate <= 3 and 0 <= volume <= 2):
        raise ValueError(f"rate {rate} or volume {volume} out of range")
    return round(WORDS_PER_MINUTE * rate), round(DEFAULT_AMPLITUDE * volume)


def wheel_files() -> tuple[Path, Path]:
    """libespeak-ng and its data folder, where the ``espeakng-loader`` wheel installs them (and
    where the packaged build puts them: ``build.spec``). Only eSpeak NG's own files are used;
    the wheel's loader code is neither imported nor shipped."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        folder = Path(frozen) / "espeakng_loader"
    else:
        spec = importlib.util.find_spec("espeakng_loader")
        if spec is None or not spec.submodule_search_locations:
            raise EngineUnavailable("the espeakng-loader package is not installed")
        folder = Path(next(iter(spec.submodule_search_locations)))
    name = {"win32": "espeak-ng.dll", "darwin": "libespeak-ng.dylib"}.get(
        sys.platform, "libespeak-ng.so"
    )
    library, data = folder / name, folder / "espeak-ng-data"
    if not library.is_file() or not (data / "phontab").is_file():
        raise EngineUnavailable(f"eSpeak NG's library or data is missing in {folder}")
    return library, data


class EspeakLibrary:
    """libespeak-ng from the ``espeakng-loader`` wheel, through ctypes."""

    name = "espeak-ng (library)"
    _lock = threading.Lock()  # the library keeps global state: one synthesis at a time
    _instance: ClassVar[EspeakLibrary | None] = None

    def __init__(self, lib: ctypes.CDLL, rate: int, data: Path) -> None:
        self._lib = lib
        self.rate = rate
        self.data_path = data
        self._chunks: list[bytes] = []
        self._callback = _SynthCallback(self._on_samples)  # kept: the library holds a pointer
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def load(cls) -> EspeakLibrary:
        """The process's one instance; :class:`EngineUnavailable` if it cannot be loaded."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls._open()
            return cls._instance

    @classmethod
    def _open(cls) -> EspeakLibrary:
        library, data = wheel_files()
        try:
            lib = ctypes.CDLL(str(library))
        except OSError as exc:
            raise EngineUnavailable(f"libespeak-ng cannot be loaded: {exc}") from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceStruct))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data).encode(), _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineUnavailable(f"libespeak-ng did not start with the data in {data}")
        engine = cls(lib, rate, data)
        for lang in VOICES:
            engine._voice(lang)  # the voices are there, or it is unavailable now, not later
        return engine

    def _on_samples(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # go on

    def _voice(self, lang: str) -> None:
        name = VOICES.get(lang)
        if name is None or self._lib.espeak_SetVoiceByName(name.encode()) != _EE_OK:
            raise EngineUnavailable(f"eSpeak NG has no voice for {lang!r} in {self.data_path}")

    def voices(self) -> list[Voice]:
        found = []
        with self._lock:
            listed = self._lib.espeak_ListVoices(None)
            i = 0
            while listed[i]:
                v = listed[i].contents
                ident = (v.identifier or b"").decode()
                first = (v.languages or b"")[1:].decode()  # a priority byte, then the language
                lang = first.split("-")[0]
                if lang in VOICES:
                    found.append(Voice(ident, (v.name or b"").decode(), lang))
                i += 1
        return found

    def synthesize(
        self, script: Script, *, lang: str, rate: float = 1.0, volume: float = 1.0
    ) -> Audio:
        wpm, amplitude = _scale(rate, volume)
        text = ssml(_script_for_espeak(script, lang), lang).encode()
        with self._lock:
            self._voice(lang)
            self._lib.espeak_SetParameter(_RATE, wpm, 0)
            self._lib.espeak_SetParameter(_VOLUME, amplitude, 0)
            self._chunks = []
            status = self._lib.espeak_Synth(
                text, len(text) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _SSML, None, None
            )
            pcm, self._chunks = b"".join(self._chunks), []
        if status != _EE_OK:
            raise RuntimeError(f"espeak_Synth failed with status {status}")
        return Audio(pcm, self.rate)

    def phonemes(self, text: str, lang: str) -> str:
        """eSpeak's phoneme mnemonics for ``text`` (clauses joined by `` | ``): what it would
        say, for checking that numbers and codes are read as intended."""
        out = []
        with self._lock:
            self._voice(lang)
            buffer = ctypes.c_char_p(text.encode())
            pointer = ctypes.pointer(buffer)
            while pointer.contents.value:
                clause = self._lib.espeak_TextToPhonemes(pointer, _CHARS_UTF8, 0)
                out.append((clause or b"").decode().strip())
        return " | ".join(c for c in out if c)


class EspeakCommand:
    """The ``espeak-ng`` program (Debian's ``espeak-ng`` package), one process per utterance."""

    name = "espeak-ng (program)"
    rate = 22050

    def __init__(self, program: str) -> None:
        self.program = program

    @classmethod
    def load(cls) -> EspeakCommand:
        program = shutil.which("espeak-ng")
        if program is None:
            raise EngineUnavailable("the espeak-ng program is not installed")
        engine = cls(program)
        probe = engine.synthesize(join_pieces(["a"]), lang="en")
        engine.rate = probe.rate
        return engine

    def voices(self) -> list[Voice]:
        found = []
        for lang, voice in VOICES.items():
            out = self._run(["--voices=" + voice], b"").decode(errors="replace")
            for line in out.splitlines()[1:]:
                parts = line.split()
                if len(parts) >= 5 and parts[1].split("-")[0] == voice and "mb/" not in parts[4]:
                    found.append(Voice(parts[4], parts[3], lang))
        return found

    def _run(self, args: list[str], stdin: bytes) -> bytes:
        try:
            done = subprocess.run(
                [self.program, *args], input=stdin, capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineUnavailable(f"espeak-ng did not run: {exc}") from exc
        if done.returncode != 0:
            problem = done.stderr.decode(errors="replace").strip()
            raise EngineUnavailable(f"espeak-ng failed: {problem}")
        return done.stdout

    def synthesize(
        self, script: Script, *, lang: str, rate: float = 1.0, volume: float = 1.0
    ) -> Audio:
        if lang not in VOICES:
            raise EngineUnavailable(f"eSpeak NG has no voice for {lang!r}")
        wpm, amplitude = _scale(rate, volume)
        args = ["-m", "-v", VOICES[lang], "-s", str(wpm), "-a", str(amplitude), "--stdout"]
        return _stdout_wav(self._run(args, ssml(_script_for_espeak(script, lang), lang).encode()))


def _stdout_wav(data: bytes) -> Audio:
    """The sound of a WAV that ``espeak-ng --stdout`` streamed: its header cannot know the
    length, so the samples are whatever follows the ``data`` chunk's header."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise EngineUnavailable("espeak-ng did not write a WAV file")
    rate = int.from_bytes(data[24:28], "little")
    at = data.find(b"data", 12)
    if at < 0:
        raise EngineUnavailable("espeak-ng wrote a WAV file without sound")
    pcm = data[at + 8 :]
    return Audio(pcm[: len(pcm) // 2 * 2], rate)
