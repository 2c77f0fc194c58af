"""Run every benchmark case side by side with PyTorch and print (and save) the table.

    python benchmarks/run.py                 # all cases, 3 rounds
    python benchmarks/run.py --cases per_op lenet_64 --rounds 5
    python benchmarks/run.py --write         # also rewrite the table in benchmarks/README.md
    python benchmarks/run.py --cases per_op --same-process   # both libraries in one process

Each round runs anygrad and PyTorch in separate fresh processes, interleaved A B B A, so a
noisy neighbour hits both; the ratio anygrad / PyTorch is taken per round and the table
shows the median value per library and the median of the per-round ratios. Both libraries
get the same thread settings (``--threads``, default: the libraries' defaults) and the same
allocator settings: ``--tune-malloc`` sets glibc's ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` in the environment of *both* processes (what
``anygrad.fastpaths.numpy.tune_allocator()`` does at run time), so freed temporaries are
reused instead of being page-faulted in again every step. ``--write`` keeps one table per
allocator setting in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cases import STEPS  # noqa: E402 - the cases --same-process can interleave
TARGETS = {  # case: (must reach, aim) as ratio anygrad / PyTorch (issue 20's table)
    "per_op": (0.8, 0.6),
    "chain_100k": (1.0, 0.8),
    "mlp_step": (1.0, 0.9),
    "lenet_64": (1.2, 1.0),
    "lenet_256": (2.0, 1.2),
    "lstm": (1.2, 1.0),
    "memory": (1.5, 1.5),
}
# The same values as anygrad.fastpaths.numpy.tune_allocator()'s defaults.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 25), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}
ORDER = ["per_op", "per_op_forward", "chain_100k", "mlp_step", "lenet_64", "lenet_256",
         "conv2d", "lstm", "dataloader", "memory"]


def run_one(case: str, lib: str, reps: int, env: dict) -> dict:
    cmd = [sys.executable, str(HERE / "cases.py"), case, lib, "--reps", str(reps)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"{case}/{lib} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine_info(threads: str) -> str:
    import numpy

    try:
        import torch

        torch_v = torch.__version__
    except ImportError:
        torch_v = "not installed"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, NumPy "
            f"{numpy.__version__}, PyTorch {torch_v}; threads: {threads}")


def gpu_name() -> str:
    try:
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception as exc:  # noqa: BLE001 - only for the table's header
        return f"unknown GPU ({type(exc).__name__})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="*", default=ORDER)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--threads", default=None, help="OMP/MKL/torch threads for both libraries")
    p.add_argument("--tune-malloc", action="store_true",
                   help="glibc keeps freed memory (MALLOC_*_THRESHOLD_), for both libraries")
    p.add_argument("--device", default="cpu",
                   help="cpu, or cuda: anygrad on CuPy against PyTorch on CUDA (benchmarks/gpu.sh)")
    p.add_argument("--same-process", action="store_true",
                   help="each round: one process running both libraries in alternating "
                        "blocks of runs (cases.py CASE both; the step cases)")
    p.add_argument("--out", default=None, help="also write the table to this file")
    p.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    a = p.parse_args()
    env = dict(os.environ)
    if a.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BENCH_THREADS"):
            env[var] = a.threads
    for var in MALLOC_ENV:
        env.pop(var, None)
    if a.tune_malloc:
        env.update(MALLOC_ENV)
    env["BENCH_DEVICE"] = a.device
    info = machine_info(a.threads or "library defaults")
    if a.device != "cpu":
        info += f"; device: {a.device} ({gpu_name()})"
    info += "; allocator: " + ("glibc, freed memory kept (--tune-malloc)" if a.tune_malloc
                               else "glibc defaults")
    print(info)
    rows = []
    for case in a.cases:
        values: dict[str, list] = {"anygrad": [], "torch": []}
        ratios = []
        extra = {}
        for r in range(a.rounds):
            if a.same_process and case in STEPS:
                res = run_one(case, "both", a.reps, env)
                unit = res["unit"]
                values["anygrad"].append(res["value"])
                values["torch"].append(res["torch"])
                ratios.append(res["ratio"])
                print(f"  {case} round {r + 1} (one process): anygrad {res['value']:.3f} {unit}, "
                      f"torch {res['torch']:.3f} {unit}, ratio {res['ratio']:.2f} "
                      f"(of the minimums {res['min_ratio']:.2f})")
                continue
            order = ("anygrad", "torch", "torch", "anygrad") if r % 2 == 0 else ("torch", "anygrad", "anygrad", "torch")
            got: dict[str, list] = {"anygrad": [], "torch": []}
            for lib in order[:2] if case in ("memory", "chain_100k") else order:
                res = run_one(case, lib, a.reps, env)
                got[lib].append(res["value"])
                unit = res["unit"]
                if case == "memory":
                    extra[lib] = res
            a_v, t_v = statistics.median(got["anygrad"]), statistics.median(got["torch"])
            values["anygrad"].append(a_v)
            values["torch"].append(t_v)
            ratios.append(a_v / t_v)
            print(f"  {case} round {r + 1}: anygrad {a_v:.3f} {unit}, torch {t_v:.3f} {unit}, ratio {a_v / t_v:.2f}")
        ratio = statistics.median(ratios)
        must, aim = TARGETS.get(case, (None, None))
        status = "" if must is None else ("met" if ratio <= must else "NOT met")
        if case == "memory":
            growth = extra["anygrad"]["growth_mb_100_to_1000"]
            status += f"; anygrad RSS growth steps 100->1000: {growth:+.1f} MB"
        rows.append((case, unit, statistics.median(values["anygrad"]), statistics.median(values["torch"]),
                     ratio, must, aim, status))
    table = ["| case | unit | anygrad | PyTorch | ratio | must reach | aim | status |",
             "|---|---|---|---|---|---|---|---|"]
    for case, unit, av, tv, ratio, must, aim, status in rows:
        table.append(f"| {case} | {unit} | {av:.3f} | {tv:.3f} | {ratio:.2f}x | "
                     f"{'' if must is None else f'<= {must}x'} | {'' if aim is None else f'<= {aim}x'} | {status} |")
    text = "\n".join(table)
    print()
    print(text)
    if a.out:
        with open(a.out, "a") as f:
            f.write(f"Machine: {info}\n\nCommand: `python benchmarks/run.py {' '.join(sys.argv[1:])}`\n\n{text}\n\n")
    if a.write:
        readme = HERE / "README.md"
        body = readme.read_text() if readme.exists() else ""
        # One table per setting: library default threads or --threads N, glibc's allocator
        # defaults or --tune-malloc.
        tag = ((f":{a.device}" if a.device != "cpu" else "") + (f":threads-{a.threads}" if a.threads else "")
               + (":tuned-malloc" if a.tune_malloc else "") + (":same-process" if a.same_process else ""))
        start, end = f"<!-- table{tag}:start -->", f"<!-- table{tag}:end -->"
        block = f"{start}\nMachine: {info}\n\nCommand: `python benchmarks/run.py {' '.join(sys.argv[1:])}`\n\n{text}\n{end}"
        if start in body and end in body:
            body = body[: body.index(start)] + block + body[body.index(end) + len(end):]
        else:
            body = body + "\n" + block + "\n"
        readme.write_text(body)
        print(f"wrote {readme}")


if __name__ == "__main__":
    main()
