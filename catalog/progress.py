"""A progress bar for long jobs on a terminal: how far, lines a second, time left."""

import sys
import time
from typing import TextIO


class ProgressBar:
    WIDTH = 30

    def __init__(self, out: TextIO = sys.stderr) -> None:
        self.out = out
        self.started = time.monotonic()
        self.stage = ""
        self.stage_started = self.started
        self.shown_at = 0.0
        self.on_terminal = out.isatty()

    def __call__(self, stage: str, fraction: float, lines: int) -> None:
        if not self.on_terminal:
            return
        now = time.monotonic()
        if stage != self.stage:
            if self.stage:
                self.out.write("\n")
            self.stage, self.stage_started = stage, now
        if now - self.shown_at < 0.2 and fraction < 1:
            return
        self.shown_at = now
        elapsed = max(now - self.stage_started, 1e-6)
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        filled = int(self.WIDTH * fraction)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        rate = lines / max(now - self.started, 1e-6)
        eta = f"{int(left) // 60}:{int(left) % 60:02d}"
        self.out.write(f"\r{stage:<8} [{bar}] {fraction:4.0%}  {lines:,} lines  {rate:,.0f} lines/s  ETA {eta} ")
        self.out.flush()

    def done(self) -> None:
        if self.on_terminal and self.stage:
            self.out.write("\n")
