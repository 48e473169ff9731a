"""Memory the build frees goes back to the system at each stage's start (loader/memory.py)."""
import subprocess
import sys
from pathlib import Path

import pytest

from loader.memory import can_give_back

ROOT = Path(__file__).resolve().parent.parent

# 80 MB of blocks from the C allocator (4,000 bytes each: above pymalloc's 512, below glibc's mmap
# threshold), all freed but the last, which keeps the heap's top in use: glibc keeps the pages of the
# rest resident until they are given back.
FREED_BELOW_A_HELD_BLOCK = """
import sys
from loader.memory import give_back
from loader.timings import Timings

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

blocks = [bytes(4000) for _ in range(20_000)]
held = blocks[-1]
del blocks
before = rss_mb()
{give_back}
print(before - rss_mb())
"""


def freed_mb(give_back: str) -> float:
    script = FREED_BELOW_A_HELD_BLOCK.format(give_back=give_back)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60)
    return float(done.stdout)


@pytest.mark.skipif(not can_give_back(), reason="the C library has no malloc_trim (not glibc)")
def test_freed_memory_goes_back_to_the_system_when_a_stage_starts():
    assert freed_mb("pass") < 5  # without it, glibc keeps the pages
    assert freed_mb("give_back()") > 60
    assert freed_mb("with Timings().stage('links'): pass") > 60
