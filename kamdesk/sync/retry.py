"""Exponential backoff with full jitter for transient failures (network, timeouts, 429, 5xx)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kamdesk.sync.errors import TransientError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)]."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        delay = self.rng.uniform(0, ceiling)
        return max(delay, min(retry_after or 0.0, self.max_delay))

    def call(
        self, operation: Callable[[], T], *, on_retry: Callable[[TransientError, float], None] | None = None
    ) -> T:
        """Run ``operation``; on ``TransientError`` wait and try again, up to ``attempts`` times."""
        for attempt in range(self.attempts):
            try:
                return operation()
            except TransientError as error:
                if attempt == self.attempts - 1:
                    raise
                pause = self.delay(attempt, error.retry_after)
                if on_retry is not None:
                    on_retry(error, pause)
                self.sleep(pause)
        raise AssertionError("unreachable")
