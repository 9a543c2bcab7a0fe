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
