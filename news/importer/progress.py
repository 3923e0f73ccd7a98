"""A one-line progress bar for long imports: done/total, a bar, the rate and the time
left. Neither tqdm nor rich is installed with the portal, and this is all it needs."""

import time
from typing import TextIO

WIDTH = 24
EVERY_SECONDS = 0.5  # a redraw at most this often: the terminal is not the bottleneck


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        if hours
        else f"{rest // 60:02d}:{rest % 60:02d}"
    )


class Progress:
    def __init__(self, total: int, stream: TextIO | None):
        self.total, self.stream = total, stream
        self.done = 0
        self.start = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.stream is not None and (
            now - self.drawn_at >= EVERY_SECONDS or self.done >= self.total
        ):
            self.drawn_at = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        left = (self.total - self.done) / rate if rate else 0
        return (
            f"{self.done:,}/{self.total:,} [{'#' * filled}{'.' * (WIDTH - filled)}] "
            f"{share:4.0%} {rate:6.1f}/s, {clock(elapsed)} elapsed, {clock(left)} left "
        )

    def clear(self) -> None:
        """Wipe the bar so that a message can take the line."""
        if self.stream is not None:
            self.stream.write("\r\x1b[K")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()
