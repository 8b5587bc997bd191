"""The batch embedding job behind ``partner-search embed``: fill the embedding cache
(:mod:`engine.embedding_cache`) for a list of texts, in process or on a Ray cluster.

- **Plan** (:func:`plan`): the texts whose keys no complete shard holds yet, sorted by key and
  cut into fixed-size chunks. Rerunning after a failure plans only what is still missing:
  that is the whole of resuming.
- **Execute**: an executor turns chunks into float16 vectors and yields them as they arrive;
  the *driver* (:func:`run_job`) writes each chunk as one shard, atomically. Workers never
  touch the cache folder, so a Ray cluster needs no shared filesystem, and a chunk that fails
  loses nothing that was already written.

Executors build the encoder from a *spec*, a short picklable string (:func:`build_encoder`):
``minilm`` (the packaged all-MiniLM-L6-v2, or ``minilm:FOLDER``), ``e5`` (the packaged
multilingual-e5-small) or ``hash:DIM`` (the deterministic test encoder).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from tqdm.auto import tqdm

from engine.embed import Encoder, HashEncoder, SentenceEncoder, text_key
from engine.embedding_cache import model_folder, stored_keys, write_shard
from engine.errors import EngineError

if TYPE_CHECKING:
    from engine.profiles import Profile

#: Texts per chunk (one shard each): as :data:`engine.cached_encoder.BATCH`.
DEFAULT_CHUNK = 512
#: Chunks queued per Ray worker, so a worker has the next one while the driver writes.
IN_FLIGHT = 2
SPEC_NAMES = ("minilm", "e5", "hash")

#: One chunk: (key, text) pairs in key order.
Chunk = list[tuple[str, str]]
#: What an executor yields per chunk: its position and its vectors, or why it failed.
Result = tuple[int, np.ndarray | BaseException]


def check_spec(spec: str) -> str:
    """``spec`` if it names an encoder (see the module docstring), else an EngineError."""
    name, _, arg = spec.partition(":")
    if name not in SPEC_NAMES or (name == "e5" and arg):
        raise EngineError(f"unknown encoder {spec!r}: use minilm, e5 or hash:DIM")
    if name == "hash" and not (arg.isdigit() and int(arg) > 0):
        raise EngineError(f"{spec!r}: the hash encoder needs a dimension, e.g. hash:64")
    return spec


def build_encoder(spec: str) -> Encoder:
    """The encoder a spec names. Cheap: the models load on first use."""
    name, _, arg = check_spec(spec).partition(":")
    if name == "minilm":
        return SentenceEncoder(arg or None)
    if name == "e5":
        from engine.e5_encoder import E5Encoder

        return E5Encoder()
    return HashEncoder(int(arg))


def corpus_texts(profiles: Sequence[Profile], spec: str) -> list[str]:
    """The texts a spec's model embeds for ``profiles``, as ``build`` does: the multilingual
    model its short texts (:func:`engine.corpus.multilingual_texts`), the others
    :func:`engine.corpus.vector_texts`. Repeats removed, first occurrence kept."""
    from engine.corpus import multilingual_texts, vector_texts

    texts_of = multilingual_texts if check_spec(spec) == "e5" else vector_texts
    return list(dict.fromkeys(t for p in profiles for t in texts_of(p)))


@dataclass(frozen=True)
class Plan:
    """What a run has to do: ``distinct`` texts, ``cached`` of them held already, the rest in
    ``chunks``."""

    distinct: int
    cached: int
    chunks: list[Chunk]

    @property
    def missing(self) -> int:
        return self.distinct - self.cached


def plan(texts: Sequence[str], present: set[str], chunk: int = DEFAULT_CHUNK) -> Plan:
    """The texts of ``texts`` whose keys are not in ``present``, sorted by key (the same
    input gives the same chunks, so the same shard names) and cut into chunks of ``chunk``."""
    if chunk < 1:
        raise EngineError(f"chunk size must be positive, not {chunk}")
    by_key = {text_key(t): t for t in texts}
    todo = sorted((k, t) for k, t in by_key.items() if k not in present)
    chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
    return Plan(len(by_key), len(by_key) - len(todo), chunks)


def encode_chunk(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """A chunk's document vectors as float16 (the cache's storage type)."""
    return np.asarray(encoder.encode_documents(list(texts)), dtype=np.float16)


class Executor(Protocol):
    """Encodes chunks with the encoder of ``spec``; yields each chunk's result when ready,
    in any order. A chunk that fails is yielded with its exception, not raised."""

    def run(self, spec: str, chunks: Sequence[Chunk]) -> Iterator[Result]: ...


class InProcess:
    """Encodes the chunks one after the other in this process. ``encoder`` overrides the
    spec's (tests hand in one that fails)."""

    def __init__(self, encoder: Encoder | None = None):
        self.encoder = encoder

    def run(self, spec: str, chunks: Sequence[Chunk]) -> Iterator[Result]:
        encoder = self.encoder if self.encoder is not None else build_encoder(spec)
        for i, chunk in enumerate(chunks):
            try:
                vectors = encode_chunk(encoder, [t for _, t in chunk])
            except Exception as exc:  # reported with its chunk; the other chunks go on
                yield i, exc
                continue
            yield i, vectors


@dataclass
class JobReport:
    """What a run did. ``failed`` chunks are left for the next run."""

    texts: int
    cached: int
    encoded: int = 0
    shards: int = 0
    failed: int = 0
    seconds: float = 0.0
    folder: Path = field(default_factory=Path)
    errors: list[str] = field(default_factory=list)

    @property
    def texts_per_s(self) -> float:
        return self.encoded / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (f"{self.texts} texts, {self.cached} already cached, {self.encoded} encoded "
                f"in {self.shards} shards, {self.seconds:.1f} s ({self.texts_per_s:.1f} "
                f"texts/s) -> {self.folder}")


def run_job(
    texts: Sequence[str],
    spec: str,
    cache_root: str | Path,
    *,
    seed_roots: Sequence[str | Path] = (),
    chunk: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    progress: bool = False,
) -> JobReport:
    """Encode the texts of ``texts`` that neither ``cache_root`` nor the read-only
    ``seed_roots`` hold, and write them to ``cache_root`` one shard per chunk. Chunks that
    fail are counted in the report (with their errors) and left for a rerun."""
    started = time.perf_counter()
    encoder = build_encoder(spec)
    model_id = encoder.model_id
    folder = model_folder(cache_root, model_id)
    present: set[str] = set()
    for root in [*seed_roots, cache_root]:
        present |= stored_keys(model_folder(root, model_id))
    todo = plan(texts, present, chunk)
    report = JobReport(todo.distinct, todo.cached, folder=folder)
    with tqdm(total=todo.missing, desc="embedding", unit="text", disable=not progress) as bar:
        for i, result in (executor or InProcess(encoder)).run(spec, todo.chunks):
            if isinstance(result, BaseException):
                line = next(iter(str(result).strip().splitlines()), "")
                report.errors.append(f"chunk {i}: {type(result).__name__}: {line}")
                continue
            keys = [k for k, _ in todo.chunks[i]]
            write_shard(folder, keys, result)
            report.encoded += len(keys)
            report.shards += 1
            bar.update(len(keys))
    report.failed = len(todo.chunks) - report.shards
    report.seconds = time.perf_counter() - started
    return report


class OnRay:
    """Encodes the chunks on a Ray cluster: one actor per CPU, each building the encoder
    from the spec once, with up to :data:`IN_FLIGHT` chunks queued each. Vectors come back to
    the driver as float16 (384 dims x 512 texts: 384 KiB a chunk), which writes the shards.

    ``address``: a cluster's (``ray://host:10001``, ``auto``) or ``local`` (a Ray started here
    with ``num_cpus``). If Ray is already initialised in this process it is used as it is and
    left running. A worker process that dies is restarted and its chunk retried
    (``retries`` times); a chunk whose encoding raises is reported, not retried.
    """

    def __init__(self, address: str = "local", *, num_cpus: int | None = None,
                 retries: int = 2):
        self.address = address
        self.num_cpus = num_cpus
        self.retries = retries

    def run(self, spec: str, chunks: Sequence[Chunk]) -> Iterator[Result]:
        if not chunks:
            return
        try:
            import ray
        except ImportError:
            raise EngineError("--ray needs Ray: pip install partner-search[scale]") from None
        started = not ray.is_initialized()
        if started:
            if self.address == "local":
                ray.init(num_cpus=self.num_cpus, include_dashboard=False,
                         log_to_driver=False)
            else:
                ray.init(address=self.address, log_to_driver=False)
        try:
            yield from self._dispatch(ray, spec, chunks)
        finally:
            if started:
                ray.shutdown()

    def _dispatch(self, ray: Any, spec: str, chunks: Sequence[Chunk]) -> Iterator[Result]:
        from ray.exceptions import RayActorError, RayError, RayTaskError

        remote = ray.remote(num_cpus=1, max_restarts=self.retries,
                            max_task_retries=self.retries)(ChunkWorker)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        actors = [remote.remote(spec) for _ in range(max(1, min(cpus, len(chunks))))]
        queue = iter(enumerate(chunks))
        pending: dict[Any, tuple[int, Any]] = {}

        def submit(actor: Any) -> None:
            nxt = next(queue, None)
            if nxt is not None:
                ref = actor.encode.remote([t for _, t in nxt[1]])
                pending[ref] = (nxt[0], actor)

        try:
            _check_workers(ray, spec, actors)
            for actor in actors * IN_FLIGHT:
                submit(actor)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                i, actor = pending.pop(ready[0])
                try:
                    result: np.ndarray | BaseException = ray.get(ready[0])
                except RayTaskError as exc:  # the encoder raised: report its own error
                    result = exc.cause if isinstance(exc.cause, BaseException) else exc
                except RayError as exc:
                    result = exc
                yield i, result
                if not isinstance(result, RayActorError):  # a dead actor gets no more work
                    submit(actor)
        finally:
            for actor in actors:
                ray.kill(actor)


def _check_workers(ray: Any, spec: str, actors: list[Any]) -> None:
    """Wait until every worker has loaded its encoder, and check that it is the encoder this
    machine would use: a node with other weights would write vectors of another model under
    this model's name."""
    from ray.exceptions import RayError

    expected = build_encoder(spec).model_id
    try:
        found = set(ray.get([actor.model_id.remote() for actor in actors]))
    except RayError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        cause = lines[-1] if lines else type(exc).__name__
        raise EngineError(f"the Ray workers could not load encoder {spec!r} ({cause}); every "
                          "node needs partner-search and its model packages installed") from None
    if found != {expected}:
        raise EngineError(f"the Ray workers have other weights ({', '.join(sorted(found))}) "
                          f"than this machine ({expected}); install the same partner-search "
                          "and model packages on every node")


class ChunkWorker:
    """A Ray actor's state: the encoder, built from the spec and loaded once per worker."""

    def __init__(self, spec: str):
        self.encoder = build_encoder(spec)
        warm_up = getattr(self.encoder, "warm_up", None)
        if warm_up is not None:
            warm_up()

    def model_id(self) -> str:
        return self.encoder.model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_chunk(self.encoder, texts)
