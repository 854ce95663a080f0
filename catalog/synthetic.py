"""Synthetic IMDb dataset files, in exactly the real files' format, for tests and the
benchmark (the real ones are 12 million lines and not ours to ship):

    python -m flicklist.catalog.synthetic OUT_DIR [--lines 12000000] [--seed 1]

writes OUT_DIR/title.basics.tsv.gz and OUT_DIR/title.ratings.tsv.gz. About one line in ten
is a film (movie or tvMovie), as in the real file; titles are made of real title words (a
few accented), years lean recent, votes have a long tail, one title in a hundred is adult.

Beside them go title.principals, title.crew and title.akas for the same titles (episodes
too, as in IMDb's), and name.basics for the people they credit: at the default size about
issue 30's target, 10,000,000 principals (two in five a film's), 3,000,000 alternate titles
and 4,000,000 people, a few credited hundreds of times and most once or never. They come
from a random stream of their own: the titles' two files are the same with or without them."""

import argparse
import gzip
import io
import random
import sys
from pathlib import Path
from typing import TextIO

from .imdb_files import BASICS_COLUMNS, FILM_TYPES, NULL, RATINGS_COLUMNS
from .people_files import AKAS_COLUMNS, CREW_COLUMNS, NAMES_COLUMNS, PRINCIPALS_COLUMNS

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
FIRST_NAMES = """James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan Richard
Jessica Joseph Sarah Thomas Karen Charles Nancy Daniel Lisa Matthew Betty Anthony Sandra Mark Ashley
Paul Emily Steven Donna Andrew Michelle Kenji Yuki Hans Ingrid Pierre Amélie François Zoë José Lucía
Björn Søren Chloé Renée Jürgen Małgorzata Ahmed Fatima Wei Mei Raj Priya Olga Ivan Giulia Marco""".split()  # noqa: SIM905 (a block of words reads better)
LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez
Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Tanaka
Suzuki Müller Schmidt Dubois Lefèvre Rossi Bianchi Novák Kowalski Ivanov Petrov Kim Park Chen Wang
Singh Kumar Silva Santos Jensen Nielsen Andersson Öberg O'Brien""".split()  # noqa: SIM905 (a block of words reads better)
PROFESSIONS = """actor actress director writer producer composer cinematographer editor casting_director
production_designer sound_department camera_department self soundtrack""".split()  # noqa: SIM905 (a block of words reads better)
CATEGORIES = [("actor", 30), ("actress", 22), ("self", 8), ("director", 10), ("writer", 10), ("producer", 8)]
CATEGORIES += [("composer", 4), ("cinematographer", 4), ("editor", 4)]
CATEGORY_NAMES, CATEGORY_WEIGHTS = zip(*CATEGORIES, strict=True)
JOBS = {"writer": (NULL, NULL, "screenplay", "novel", "story"), "producer": ("producer", "executive producer")}
REGIONS = [("US", "en"), ("GB", "en"), ("DE", "de"), ("FR", "fr"), ("BR", "pt"), ("ES", "es"), ("IT", "it")]
REGIONS += [("JP", "ja"), ("MX", "es"), ("SE", "sv"), ("PL", "pl"), ("RU", "ru")]
# A title's number of rows, one of these at random: a film's first, any other title's second.
PRINCIPALS_PER_TITLE = ((1, 2, 3, 4, 5, 6), (0, 0, 0, 0, 1, 1, 2))
DIRECTORS_PER_TITLE = ((0, 1, 1, 1, 1, 1, 1, 1, 1, 2), (0, 0, 1, 1, 1))
WRITERS_PER_TITLE = ((0, 1, 1, 2, 3), (0, 0, 1, 1, 2))
AKAS_PER_TITLE = ((0, 1, 1, 2, 2, 3), (0,) * 23 + (1, 2))
LINES_PER_PERSON = 3


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))]
    text = " ".join(words).title()
    if rng.random() < 0.25:
        text = "The " + text
    if rng.random() < 0.05:
        text += f" {rng.randint(2, 5)}"
    return text


def basics_fields(rng: random.Random, number: int, kinds: list[str], weights: list[int]) -> list[str]:
    kind = rng.choices(kinds, weights)[0]
    primary = title(rng)
    original = primary if rng.random() < 0.9 else title(rng)
    year = str(min(2025, int(1894 + 131 * rng.random() ** 0.45))) if rng.random() < 0.97 else NULL
    runtime = str(rng.randint(60, 200)) if kind in FILM_TYPES and rng.random() < 0.85 else NULL
    genres = ",".join(sorted(rng.sample(GENRES, rng.randint(1, 3)))) if rng.random() < 0.95 else NULL
    adult = "1" if rng.random() < 0.01 else "0"
    return [f"tt{number:07d}", kind, primary, original, adult, year, NULL, runtime, genres]


def person(rng: random.Random, people: int) -> str:
    """An nconst of the first `people`, the lower ones far more often (nm0000001 in about one
    credit in 2,000 at the default size)."""
    return f"nm{1 + int(people * rng.random() ** 2):07d}"


def characters(rng: random.Random, category: str) -> str:
    if category == "self":
        return '["Self"]'
    if category not in ("actor", "actress") or rng.random() < 0.05:
        return NULL
    names = [rng.choice(FIRST_NAMES) + (f" {rng.choice(LAST_NAMES)}" if rng.random() < 0.6 else "")]
    if rng.random() < 0.05:
        names.append(rng.choice(("Narrator", "Himself", "Herself", "Guard", "Waiter")))
    return "[" + ",".join(f'"{name}"' for name in names) + "]"


def people_lines(rng: random.Random, people: int, fields: list[str]) -> tuple[str, str, str]:
    """A title's lines of title.principals, title.crew and title.akas (principals and akas
    may be none); the principals' directors and writers are the crew's."""
    tconst, kind, primary, original = fields[:4]
    other = kind not in FILM_TYPES
    directors = [person(rng, people) for _ in range(rng.choice(DIRECTORS_PER_TITLE[other]))]
    writers = [person(rng, people) for _ in range(rng.choice(WRITERS_PER_TITLE[other]))]
    if directors and writers and rng.random() < 0.3:
        writers[0] = directors[0]
    principals = []
    for ordering in range(1, rng.choice(PRINCIPALS_PER_TITLE[other]) + 1):
        category = rng.choices(CATEGORY_NAMES, CATEGORY_WEIGHTS)[0]
        crew = directors if category == "director" else writers if category == "writer" else []
        nconst = rng.choice(crew) if crew else person(rng, people)
        job = rng.choice(JOBS[category]) if category in JOBS else NULL
        principals.append(f"{tconst}\t{ordering}\t{nconst}\t{category}\t{job}\t{characters(rng, category)}\n")
    crew_line = f"{tconst}\t{','.join(directors) or NULL}\t{','.join(writers) or NULL}\n"
    akas = []
    for ordering in range(1, rng.choice(AKAS_PER_TITLE[other]) + 1):
        if ordering == 1 and rng.random() < 0.3:
            akas.append(f"{tconst}\t1\t{original}\t{NULL}\t{NULL}\toriginal\t{NULL}\t1\n")
            continue
        region, language = rng.choice(REGIONS)
        language = language if rng.random() < 0.4 else NULL
        aka = primary if rng.random() < 0.5 else title(rng)
        types = "imdbDisplay" if rng.random() < 0.7 else NULL
        akas.append(f"{tconst}\t{ordering}\t{aka}\t{region}\t{language}\t{types}\t{NULL}\t0\n")
    return "".join(principals), crew_line, "".join(akas)


def name_line(rng: random.Random, number: int, lines: int) -> str:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    born = rng.randint(1900, 2005) if rng.random() < 0.4 else None
    died = rng.randint(born + 20, 2025) if born and born < 1960 and rng.random() < 0.5 else None
    professions = ",".join(rng.sample(PROFESSIONS, rng.choice((0, 1, 1, 1, 2, 3)))) or NULL
    known = ",".join(f"tt{rng.randrange(1, max(lines, 2)):07d}" for _ in range(rng.choice((0, 1, 2, 3, 4)))) or NULL
    return f"nm{number:07d}\t{name}\t{born or NULL}\t{died or NULL}\t{professions}\t{known}\n"


def gzip_text(path: Path) -> TextIO:
    """`path`, to write as gzip'd UTF-8, fast and with no time stamp: the same seed, the same bytes."""
    return io.TextIOWrapper(gzip.GzipFile(path, "wb", compresslevel=1, mtime=0), encoding="utf-8", newline="\n")


def write(out_dir: Path, lines: int, seed: int) -> tuple[Path, Path]:
    """The six files into `out_dir`; the answer is title.basics' and title.ratings' paths."""
    rng, people_rng = random.Random(seed), random.Random(f"people {seed}")
    people = max(1, lines // LINES_PER_PERSON)
    kinds, weights = zip(*KINDS, strict=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    basics_path, ratings_path = out_dir / "title.basics.tsv.gz", out_dir / "title.ratings.tsv.gz"
    with (
        gzip_text(basics_path) as basics,
        gzip_text(ratings_path) as ratings,
        gzip_text(out_dir / "title.principals.tsv.gz") as principals,
        gzip_text(out_dir / "title.crew.tsv.gz") as crew,
        gzip_text(out_dir / "title.akas.tsv.gz") as akas,
    ):
        headers = [BASICS_COLUMNS, RATINGS_COLUMNS, PRINCIPALS_COLUMNS, CREW_COLUMNS, AKAS_COLUMNS]
        for file, columns in zip((basics, ratings, principals, crew, akas), headers, strict=True):
            file.write("\t".join(columns) + "\n")
        for number in range(1, lines):
            fields = basics_fields(rng, number, list(kinds), list(weights))
            basics.write("\t".join(fields) + "\n")
            if rng.random() < (0.6 if fields[1] in FILM_TYPES else 0.1):
                votes = int(5 * rng.paretovariate(0.9))
                ratings.write(f"tt{number:07d}\t{rng.randint(10, 99) / 10}\t{votes}\n")
            for file, text in zip((principals, crew, akas), people_lines(people_rng, people, fields), strict=True):
                file.write(text)
            if number % 500_000 == 0:
                print(f"{number:,} lines", file=sys.stderr)
    with gzip_text(out_dir / "name.basics.tsv.gz") as names:
        names.write("\t".join(NAMES_COLUMNS) + "\n")
        for number in range(1, people + 1):
            names.write(name_line(people_rng, number, lines))
            if number % 500_000 == 0:
                print(f"{number:,} people", file=sys.stderr)
    return basics_path, ratings_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=12_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write(args.out_dir, args.lines, args.seed)
    files = "title.basics, title.ratings, title.principals, title.crew, title.akas and name.basics"
    print(f"Wrote {files} (.tsv.gz) in {args.out_dir}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
