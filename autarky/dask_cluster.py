"""The Dask client of a sweep: its start and its end, quiet and Ctrl-C safe.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group: the sweep's own
process and every Dask worker process. Workers that take it die mid-task and print their
tracebacks, and the scheduler then logs lost data. So the LocalCluster's processes are started
with SIGINT ignored (a child inherits an ignored SIGINT, and Python then installs no
KeyboardInterrupt for it): only the sweep process hears Ctrl-C; it records the unfinished
variants as interrupted and shuts the workers down, with Dask's shutdown logging silenced (and
Dask's and asyncio's for good when the sweep stops on an exception) and a second Ctrl-C ignored
until the workers are gone.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler`` or on a new LocalCluster of ``workers``
    single-threaded processes; closed (and the cluster with it) when the block ends."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        with sigint_ignored(), environment(WORKER_ENVIRONMENT):
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        client = Client(cluster)
    try:
        yield client
    except BaseException:  # the sweep stops: what Dask and asyncio log while dying is noise
        for name in ("distributed", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise
    finally:
        with sigint_ignored(), quiet("distributed"):
            client.close()
            if cluster is not None:
                cluster.close()


WORKER_ENVIRONMENT = {
    # workers log errors only: a task cancelled at shutdown is a warning nobody can act on
    "DASK_LOGGING__DISTRIBUTED": "error",
    # a worker killed at shutdown leaves a semaphore the resource tracker would warn about
    "PYTHONWARNINGS": "ignore::UserWarning:multiprocessing.resource_tracker",
}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Environment variables set for the processes started in the block (then restored)."""
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in previous.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process (and inherited so by the processes it starts)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def quiet(name: str) -> Iterator[None]:
    """Only critical records from logger ``name`` while the block runs."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
