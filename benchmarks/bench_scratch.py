"""NumPy LSTM (hand-written BPTT) against torch.nn.LSTM, forward + backward, same machine, same run.

    python benchmarks/bench_scratch.py [--B 64 --T 100 --I 128 --H 256] [--repeat 5]

Both in float32 on the CPU. Two paths of ``seqlab.scratch.LSTM``, timed in the same run:

- fast: ``forward(x, trace=False)`` + ``backward(d_out)`` runs :mod:`seqlab.scratch.fast`
  (folded bias, packed and reused buffers, in-place gate gradients; no step records);
- reference: ``forward(x)`` + ``backward(d_out, keep_steps=True)`` runs the cells of
  :mod:`seqlab.scratch.cells`, the lecture's equations, keeping every number of every
  step plus each step's dL/dh_t, dL/dc_t and dW_hh share, as ``seqlab trace`` uses it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import machine


def best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser()
    for name, default in (("B", 64), ("T", 100), ("I", 128), ("H", 256), ("repeat", 5)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    import torch

    from seqlab.scratch import LSTM

    torch.manual_seed(0)
    module = torch.nn.LSTM(args.I, args.H, batch_first=True)
    layer = LSTM.from_torch(module, dtype=np.float32)
    x = np.random.default_rng(0).normal(size=(args.B, args.T, args.I)).astype(np.float32)
    d_out = np.random.default_rng(1).normal(size=(args.B, args.T, args.H)).astype(np.float32)
    xt, dt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(d_out)

    def torch_step():
        module.zero_grad(set_to_none=True)
        out, _ = module(xt)
        out.backward(dt)

    def scratch_step(traced=False):
        layer.forward(x, trace=traced)
        layer.backward(d_out, keep_steps=traced)

    t_torch, m_torch = best(torch_step, args.repeat)
    t_np, m_np = best(scratch_step, args.repeat)
    t_traced, m_traced = best(lambda: scratch_step(True), args.repeat)
    # correctness in the same run: gradients agree in float32
    layer.forward(x, trace=False)
    _, grads = layer.backward(d_out)
    torch_step()
    err = max(float(np.abs(grads[n] - p.grad.numpy()).max() / (np.abs(p.grad.numpy()).max() + 1e-12))
              for n, p in module.named_parameters())
    print(f"{machine()} · torch {torch.__version__} ({torch.get_num_threads()} threads) · numpy {np.__version__}")
    print(f"LSTM forward+backward, float32, B={args.B} T={args.T} I={args.I} H={args.H}, best (median) of {args.repeat}")
    print(f"  torch.nn.LSTM              {t_torch * 1e3:8.1f} ms ({m_torch * 1e3:.1f})")
    print(f"  seqlab.scratch.LSTM fast      {t_np * 1e3:8.1f} ms ({m_np * 1e3:.1f})   ratio {t_np / t_torch:.2f}x torch")
    print(f"  seqlab.scratch.LSTM reference {t_traced * 1e3:8.1f} ms ({m_traced * 1e3:.1f})   ratio "
          f"{t_traced / t_torch:.2f}x torch, {t_traced / t_np:.2f}x the fast path")
    print(f"  max relative gradient difference vs torch (float32): {err:.1e}")


if __name__ == "__main__":
    main()
