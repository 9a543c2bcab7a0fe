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


def test_the_help_names_each_type_in_words_and_no_type_for_a_flag():
    from pathlib import Path

    from zorgid.protocol import dutch_terminal
    from zorgid.terminal import DutchCommand

    helped = typer.Typer()

    @helped.command(cls=DutchCommand)
    def add(name: str = typer.Option(..., "--name"), versions: list[str] = typer.Option(..., "--version"),
            count: int = typer.Option(1, "--count"), keys: Path = typer.Option(None, "--keys", dir_okay=False),
            loud: bool = typer.Option(False, "--loud"), kind: str = typer.Option("a", "--kind", metavar="SOORT"),
            ) -> None:
        """Add one."""

    text = CliRunner().invoke(helped, ["--help"], env={"COLUMNS": "120"}).output

    def type_column(option: str) -> str:
        line = next(line for line in text.splitlines() if f"{option} " in line)
        return line.split(option, 1)[1].strip(" │").split("  ")[0]

    assert "Gebruik:" in text and "[OPTIES]" in text
    for typer_label in ("<str>", "<list[str]>", "<int>", "<file>", "<bool>"):
        assert typer_label not in text
    assert [type_column(option) for option in ("--name", "--version", "--count", "--keys", "--kind", "--loud")] \
        == ["TEKST", "TEKST …", "GETAL", "BESTAND", "SOORT", ""], text
    try:
        dutch_terminal.use_language("en")
        english = CliRunner().invoke(helped, ["--help"], env={"COLUMNS": "120"}).output
        assert "TEXT …" in english and "NUMBER" in english and "FILE" in english
    finally:
        dutch_terminal.use_language("nl")
