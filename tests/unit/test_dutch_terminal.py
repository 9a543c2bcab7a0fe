"""Every command line's yes/no question takes a Dutch answer (zorgid.protocol.dutch_terminal): j/ja/n/nee and y/yes/no,
three other answers or none at all are a no, and the question says how to answer."""

import pytest
import typer
from typer.testing import CliRunner

from zorgid.protocol.dutch_terminal import ask_yes_no

app = typer.Typer()


@app.command()
def question() -> None:
    typer.echo("JA" if ask_yes_no("Doorgaan?") else "NEE")


@pytest.mark.parametrize(("typed", "said"), [
    ("j\n", "JA"), ("ja\n", "JA"), ("Ja\n", "JA"), (" JA \n", "JA"), ("y\n", "JA"), ("yes\n", "JA"),
    ("n\n", "NEE"), ("nee\n", "NEE"), ("no\n", "NEE"), ("\n", "NEE"), ("", "NEE"),
    ("misschien\nja\n", "JA"), ("x\nq\nz\nja\n", "NEE"),
])
def test_a_question_is_answered_in_dutch(typed, said):
    result = CliRunner().invoke(app, [], input=typed)
    assert result.exit_code == 0
    assert "Doorgaan? [ja/nee]" in result.output
    assert result.output.strip().endswith(said)
    assert ("Antwoord met ja of nee." in result.output) == (typed.split("\n")[0].strip().lower()
                                                             in ("misschien", "x"))


def test_in_english_the_question_and_typers_labels_are_english_and_dutch_again_after():
    from zorgid.protocol import dutch_terminal

    english = typer.Typer()

    @english.command()
    def ask() -> None:
        typer.echo("YES" if ask_yes_no("Go on?", "en") else "NO")

    result = CliRunner().invoke(english, [], input="maybe\nyes\n")
    assert "Go on? [yes/no]" in result.output and "Answer yes or no." in result.output
    assert result.output.strip().endswith("YES")
    try:
        dutch_terminal.use_language("en")
        assert typer.rich_utils.OPTIONS_PANEL_TITLE == "Options"
    finally:
        dutch_terminal.use_language("nl")
    assert typer.rich_utils.OPTIONS_PANEL_TITLE == "Opties"
