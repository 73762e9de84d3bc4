"""What the benchmarks share: the environment of a worker process for one engine."""

import os
import subprocess
from pathlib import Path


def engine_env(engine: str, data_dir: Path | str, pg_url: str, *, fresh: bool = False) -> dict:
    """The environment for a worker on `engine` ("sqlite" or "postgresql"): its data folder (made if
    missing), a fixed secret key, pages rendered without collected static files, and on PostgreSQL the
    database `pg_url`, created if missing (`fresh`: dropped and created again; either must work)."""
    env = dict(os.environ)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    env |= {"REFUGIU_DATA_DIR": str(data_dir), "SECRET_KEY": "benchmark-only", "REFUGIU_MANIFEST_STATIC": "0"}
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        name = pg_url.rsplit("/", 1)[1]
        server = ["-h", "127.0.0.1", "-U", "postgres"]
        if fresh:
            subprocess.run(["dropdb", *server, "--if-exists", name], check=True)
        subprocess.run(["createdb", *server, name], capture_output=True, check=fresh)
        env["DATABASE_URL"] = pg_url
    return env
