"""Synthetic IMDb dataset files, in exactly the real files' format, for tests and the
benchmark (the real ones are 12 million lines and not ours to ship):

    python -m flicklist.catalog.synthetic OUT_DIR [--lines 12000000] [--seed 1]

writes OUT_DIR/title.basics.tsv.gz and OUT_DIR/title.ratings.tsv.gz. About one line in ten
is a film (movie or tvMovie), as in the real file; titles are made of real title words (a
few accented), years lean recent, votes have a long tail, one title in a hundred is adult."""

import argparse
import gzip
import random
import sys
from pathlib import Path

from .imdb_files import BASICS_COLUMNS, RATINGS_COLUMNS

WORDS = """love night man day life house dark last war world king girl time city death blood heart
story star dead black white blue red summer winter secret return road home lost american
little big great wild first one two three money game dream fire water moon sun sky river sea
island mountain street family brother sister mother father son daughter friend wife husband
lady boy children kid baby angel devil ghost monster dragon legend hero zero shadow light
storm rain snow ice heat cold wind iron gold silver stone glass paper chase escape journey
quest hunt fall rise end beginning memory promise truth lie kiss song dance music party
wedding holiday christmas school college hotel prison hospital station bridge tower garden
forest desert jungle ocean planet space alien robot machine code signal mission operation
agent spy detective killer thief soldier doctor teacher lawyer captain queen prince princess
emperor empire kingdom republic revolution trap game fear rage hope faith grace glory honor
justice revenge mercy sin paradise heaven hell eden crossing border horizon frontier
wilderness avenue boulevard midnight morning evening tomorrow yesterday forever never always
again amélie café señor niño élan über fiancée naïve déjà façade""".split()  # noqa: SIM905 (a block of words reads better)
KINDS = [("tvEpisode", 640), ("short", 90), ("movie", 70), ("video", 30), ("tvSeries", 25), ("tvMovie", 15)]
KINDS += [("tvMiniSeries", 5), ("videoGame", 4), ("tvSpecial", 4), ("tvShort", 3)]
GENRES = """Action Adventure Animation Biography Comedy Crime Documentary Drama Family Fantasy Film-Noir
History Horror Music Musical Mystery Romance Sci-Fi Sport Thriller War Western""".split()  # noqa: SIM905 (a block of words reads better)


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))]
    text = " ".join(words).title()
    if rng.random() < 0.25:
        text = "The " + text
    if rng.random() < 0.05:
        text += f" {rng.randint(2, 5)}"
    return text


def basics_line(rng: random.Random, number: int, kinds: list[str], weights: list[int]) -> tuple[str, str]:
    kind = rng.choices(kinds, weights)[0]
    primary = title(rng)
    original = primary if rng.random() < 0.9 else title(rng)
    year = str(min(2025, int(1894 + 131 * rng.random() ** 0.45))) if rng.random() < 0.97 else "\\N"
    runtime = str(rng.randint(60, 200)) if kind in ("movie", "tvMovie") and rng.random() < 0.85 else "\\N"
    genres = ",".join(sorted(rng.sample(GENRES, rng.randint(1, 3)))) if rng.random() < 0.95 else "\\N"
    adult = "1" if rng.random() < 0.01 else "0"
    fields = [f"tt{number:07d}", kind, primary, original, adult, year, "\\N", runtime, genres]
    return "\t".join(fields) + "\n", kind


def write(out_dir: Path, lines: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    basics_path, ratings_path = out_dir / "title.basics.tsv.gz", out_dir / "title.ratings.tsv.gz"
    with (
        gzip.open(basics_path, "wt", encoding="utf-8", compresslevel=1, newline="\n") as basics,
        gzip.open(ratings_path, "wt", encoding="utf-8", compresslevel=1, newline="\n") as ratings,
    ):
        basics.write("\t".join(BASICS_COLUMNS) + "\n")
        ratings.write("\t".join(RATINGS_COLUMNS) + "\n")
        for number in range(1, lines):
            line, kind = basics_line(rng, number, list(kinds), list(weights))
            basics.write(line)
            if rng.random() < (0.6 if kind in ("movie", "tvMovie") else 0.1):
                votes = int(5 * rng.paretovariate(0.9))
                ratings.write(f"tt{number:07d}\t{rng.randint(10, 99) / 10}\t{votes}\n")
            if number % 500_000 == 0:
                print(f"{number:,} lines", file=sys.stderr)
    return basics_path, ratings_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=12_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    basics, ratings = write(args.out_dir, args.lines, args.seed)
    print(f"Wrote {basics} and {ratings}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
