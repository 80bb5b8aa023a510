"""The real engine: every screen's speech synthesized to WAV and checked with ``wave``; eSpeak's
own phonemes show that numbers and codes are read as intended.

eSpeak NG comes with the kiosk (the ``espeakng-loader`` wheel is a dependency), so these run
wherever the kiosk is installed; they skip, saying why, only where no engine can be loaded.
"""

from __future__ import annotations

import array
import io
import json
import math
import re
import shutil
import wave
from pathlib import Path

import pytest

from kiosk.config import Settings, load_settings
from kiosk.screen_demos import DEMOS
from kiosk.speech import normalise
from kiosk.speech.demo import demo_utterances
from kiosk.speech.engine import (
    Audio,
    EngineUnavailable,
    PromptStore,
    Speaker,
    SpeechEngine,
    load_engine,
)
from kiosk.speech.espeak import EspeakCommand, EspeakLibrary, for_espeak
from kiosk.speech.numbers import digit_words
from kiosk.speech.utterance import Kind, Pause, Utterance, join_pieces

SPOKEN = [(n, lang) for n in DEMOS if n != "attract" for lang in ("fa", "en")]
RMS_FLOOR = 500  # eSpeak speaks at an RMS of about 3000 (of 32767); silence is 0
SECONDS_PER_CHARACTER = (0.04, 0.35)  # measured 0.07-0.21 for these screens, at 150 wpm


@pytest.fixture(scope="module")
def engine() -> SpeechEngine:
    try:
        return load_engine()
    except EngineUnavailable as exc:
        pytest.skip(f"no speech engine can be loaded here: {exc}")


@pytest.fixture(scope="module")
def library() -> EspeakLibrary:
    try:
        return EspeakLibrary.load()
    except EngineUnavailable as exc:
        pytest.skip(f"the eSpeak NG library cannot be loaded here: {exc}")


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(data_dir=tmp_path_factory.mktemp("say"), environ={})


def read_wav(data: bytes) -> tuple[int, array.array[int]]:
    with wave.open(io.BytesIO(data), "rb") as w:
        assert w.getnchannels() == 1
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    samples = array.array("h")
    samples.frombytes(frames)
    return rate, samples


def rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


@pytest.mark.parametrize(("name", "lang"), SPOKEN)
def test_every_screen_speaks_for_as_long_as_its_words(
    engine: SpeechEngine, demo_settings: Settings, name: str, lang: str, tmp_path: Path
) -> None:
    speaker = Speaker(engine)
    utterances = demo_utterances(demo_settings, name, lang)
    for u in utterances:
        rate, samples = read_wav(speaker.audio(u).wav())
        assert rms(samples) > RMS_FLOOR, (name, u.text)
        seconds = len(samples) / rate
        characters = len(u.words.replace(" ", ""))
        low, high = SECONDS_PER_CHARACTER
        assert low * characters < seconds < high * characters + 0.5, (name, u.text, seconds)
    out = tmp_path / f"{name}-{lang}.wav"
    out.write_bytes(speaker.audio_of_all(utterances).wav())
    rate, samples = read_wav(out.read_bytes())
    assert rate == engine.rate
    assert len(samples) / rate > 0.5 * len(utterances)


def test_the_pauses_are_silence(engine: SpeechEngine) -> None:
    together = engine.synthesize(join_pieces(["صفر یک", "صفر یک"]), lang="fa")
    paused = engine.synthesize(join_pieces(["صفر یک", Pause(1000), "صفر یک"]), lang="fa")
    assert paused.duration > together.duration + 0.8


def test_a_faster_rate_is_shorter_and_a_lower_volume_is_quieter(engine: SpeechEngine) -> None:
    script = join_pieces(["پیام شما ثبت شد و کد رهگیری آن روی رسید چاپ شده است"])
    normal = engine.synthesize(script, lang="fa")
    fast = engine.synthesize(script, lang="fa", rate=2.0)
    quiet = engine.synthesize(script, lang="fa", volume=0.3)
    assert fast.duration < 0.75 * normal.duration
    assert quiet.rms() < 0.6 * normal.rms()


def test_the_voices_of_both_languages_are_there(engine: SpeechEngine) -> None:
    assert {v.lang for v in engine.voices()} == {"fa", "en"}


def bare(phonemes: str) -> str:
    """Phonemes without stress and length marks or pauses, to find a word in them."""
    return re.sub(r"[',:_!| ]", "", phonemes)


@pytest.mark.parametrize(
    ("raw", "misread"),
    [
        ("۴۵۶۷۸۹۱۲۳۴۵", "miljARd"),  # an eleven-digit code as "forty-five milliard ..."
        ("۱٬۲۵۰٬۰۰۰", "viRgul"),  # the Persian thousands separator as "comma"
        ("۱۰:۳۰", "donoqt"),  # a time as "ten colon thirty"
        ("۱۴۰۵/۰۹/۲۰", "slaS"),  # a date with an English "slash"
    ],
)
def test_what_espeak_misreads_is_read_as_intended_once_prepared(
    library: EspeakLibrary, raw: str, misread: str
) -> None:
    assert misread in bare(library.phonemes(raw, "fa"))  # what the issue saw, eSpeak's reading
    prepared = Utterance.of(Kind.VALUE, "fa", normalise.text(raw, "fa")).words
    assert misread not in bare(library.phonemes(prepared, "fa"))


def test_a_code_is_read_as_its_digits_one_by_one(library: EspeakLibrary) -> None:
    words = Utterance.of(Kind.VALUE, "fa", normalise.code("0123-004571-3", "fa")).words
    digits = [library.phonemes(w, "fa") for w in words.split()]
    assert library.phonemes(words, "fa").split() == digits
    english = library.phonemes("0123-004571-3", "en")
    assert "d'aS" in english  # eSpeak's "dash"
    prepared = Utterance.of(Kind.VALUE, "en", normalise.code("0123-004571-3", "en")).words
    assert "d'aS" not in library.phonemes(prepared, "en")


def test_nine_is_heard_as_nine_not_no(library: EspeakLibrary) -> None:
    assert bare(library.phonemes("نه", "fa")) == "na"  # «نه» alone is "no" to eSpeak
    (nine,) = digit_words("9", "fa")
    assert bare(library.phonemes(nine, "fa")) == "noh"
    assert "noh" in bare(library.phonemes(normalise.text("۰۹۱۲", "fa")[0], "fa"))


def test_the_and_inside_a_number_is_said_as_people_say_it(library: EspeakLibrary) -> None:
    assert for_espeak("بیست و یک", "fa") == "بیستُ یک"
    assert for_espeak("یک میلیون و دویست و پنجاه هزار ریال", "fa") == (
        "یک میلیونُ دویستُ پنجاه هزار ریال"
    )
    assert for_espeak("بیست و سوم آذر", "fa") == "بیستُ سوم آذر"
    assert for_espeak("نظافت و پسماند", "fa") == "نظافت و پسماند"  # not a number: as written
    assert for_espeak("twenty and one", "en") == "twenty and one"
    assert "bisto" in bare(library.phonemes(for_espeak("بیست و یک", "fa"), "fa"))


def test_a_latin_letter_in_persian_no_longer_switches_to_the_english_voice(
    library: EspeakLibrary,
) -> None:
    assert "(en)" in library.phonemes("نوبت A023", "fa")
    prepared = Utterance.of(Kind.VALUE, "fa", normalise.text("نوبت A023", "fa")).words
    assert "(en)" not in library.phonemes(prepared, "fa")


def _tone(seconds: float, rate: int) -> Audio:
    samples = array.array(
        "h",
        (round(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))),
    )
    return Audio(samples.tobytes(), rate)


def test_a_recorded_prompt_is_played_instead_of_the_engine(
    engine: SpeechEngine, tmp_path: Path
) -> None:
    heading = Utterance.of(Kind.HEADING, "fa", ["چه کاری می‌خواهید انجام دهید؟"])
    (tmp_path / "fa").mkdir()
    (tmp_path / "fa" / "home.wav").write_bytes(_tone(0.75, 16000).wav())
    index = {heading.words: "home.wav"}
    (tmp_path / "fa" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    store = PromptStore(tmp_path)
    assert len(store) == 1
    speaker = Speaker(engine, store)
    recorded = speaker.audio(heading)
    assert recorded.rate == engine.rate  # resampled to join the engine's sound
    assert abs(recorded.duration - 0.75) < 0.01
    other = Utterance.of(Kind.HEADING, "fa", ["پیگیری درخواست"])
    assert speaker.audio(other).duration != pytest.approx(0.75, abs=0.01)  # the engine's


def test_a_broken_prompt_index_is_refused_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match=r"index\.json"):
        PromptStore(tmp_path)


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="the espeak-ng program is not installed"
)
def test_the_espeak_ng_program_is_the_fallback() -> None:
    program = EspeakCommand.load()
    audio = program.synthesize(join_pieces(["کد رهگیری", Pause(300), "صفر یک دو سه"]), lang="fa")
    rate, samples = read_wav(audio.wav())
    assert rate == program.rate
    assert rms(samples) > RMS_FLOOR
    assert 1.0 < len(samples) / rate < 6.0
    assert {v.lang for v in program.voices()} == {"fa", "en"}
