"""``kiosk say``: a screen's words printed and its speech written as WAV, without Qt."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.screen_demos import DEMOS
from kiosk.speech.engine import EngineUnavailable, load_engine

ROOT = Path(__file__).resolve().parents[3]

BLOCK_QT = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6'}:
            raise ImportError(f'blocked for this test: {name}')
        return None
sys.meta_path.insert(0, Block())
from kiosk.cli import main
rc = main(sys.argv[1:])
assert 'PySide6' not in sys.modules
sys.exit(rc)
"""


def test_list_names_the_screens_of_kiosk_screenshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--list"]) == 0
    assert capsys.readouterr().out.split() == list(DEMOS)


def test_say_prints_the_words_of_a_screen(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--screen", "bill-result", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "heading: Your bill"
    assert "value: Amount to pay: seventeen thousand rials" in out
    assert main(["say", "--screen", "bill-result", "--lang", "fa", "--text"]) == 0
    ssml = capsys.readouterr().out.splitlines()
    assert ssml[0] == '<speak xml:lang="fa">قبض شما</speak>'
    assert main(["say", "--screen", "attract"]) == 0
    assert capsys.readouterr().out.strip() == "(attract: silent)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["say"], "say needs --screen NAME"),
        (["say", "--screen", "nowhere"], "unknown screen 'nowhere'"),
        (["say", "--screen", "home", "--out", "home.mp3"], "--out must name a .wav file"),
        (["say", "--screen", "attract", "--out", "a.wav"], "says nothing"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.wav"))


def test_say_writes_the_speech_as_wav_without_qt(tmp_path: Path) -> None:
    try:
        load_engine()
    except EngineUnavailable as exc:
        pytest.skip(f"no speech engine can be loaded here: {exc}")
    out = tmp_path / "confirmation.wav"
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, "say", "--screen", "confirmation", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "confirmation: صفر یک دو سه" in done.stdout
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        seconds = w.getnframes() / w.getframerate()
    assert 20 < seconds < 200
    assert f"{out}: {seconds:.1f} s" in done.stdout
    assert not (tmp_path / "data").exists()  # a throwaway data dir, never the kiosk's
